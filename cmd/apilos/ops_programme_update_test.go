package main

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

// The dialogues of the deployment document (DEPLOIEMENT, "Modification de
// l'appartenance d'un programme"), copied word for word, typos included.
const docAdministrationTranscript = "" +
	"Quel est l'identifiant UUID du programme à modifier ? 4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194\n" +
	"le programme `4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194` : `Opération L9TQKLS6EC` va être modifié\n" +
	"Quel est le code de l'administration à laquelle le programme doit être rattacher ? 13055\n" +
	"le programme `Opération L9TQKLS6EC` va être attribué à l'administration `Métropole d'Aix-Marseille-Provence` de code `13055`\n" +
	"Modifier l'administration du programme (Non/oui)?oui\n" +
	"l'administration du programme `Opération L9TQKLS6EC` a été mise à jour avec l'administration de code `13055`\n" +
	"le programme `Opération L9TQKLS6EC` va être attribué à l'administration `Métropole d'Aix-Marseille-Provence` de code `13055`\n"

const docBailleurTranscript = "" +
	"Quel est l'identifiant UUID du programme à modifier ? 4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194\n" +
	"le programme `4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194` : `Opération L9TQKLS6EC` va être modifié\n" +
	"Quel est le siret du bailleur auquel le programme doit etre rattacher ? 48496369900026\n" +
	"le programme `Opération L9TQKLS6EC` va être attribué au bailleur `6ème Sens Immobilier Investissement` de siret `48496369900026`\n" +
	"Modifier le bailleur du programme (Non/oui)?oui\n" +
	"le bailleur du programme `Opération L9TQKLS6EC` a été mise à jour avec le bailleur de siret `48496369900026`\n"

func opsDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("ENVIRONMENT", "development")
	t.Setenv("MEDIA_ROOT", t.TempDir())
	return dbtest.Connect(t, url)
}

func programmeOwner(t *testing.T, pool *pgxpool.Pool, id int) (admin, bailleur int) {
	t.Helper()
	if err := pool.QueryRow(context.Background(), `SELECT administration_id, bailleur_id FROM programmes_programme WHERE id = $1`, id).Scan(&admin, &bailleur); err != nil {
		t.Fatal(err)
	}
	return admin, bailleur
}

func TestProgrammeUpdateAdministrationDocumentDialogue(t *testing.T) {
	pool := opsDB(t)
	ids := seedDocExample(t, pool, 0)
	before := opsSnapshot(t, pool)

	out, err := runCmd(t, docProgrammeUUID+"\n13055\noui\n", "programme_update_administration")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if out != docAdministrationTranscript {
		t.Errorf("output differs from the document:\n--- got\n%s--- want\n%s", out, docAdministrationTranscript)
	}
	if a, b := programmeOwner(t, pool, ids.programme); a != ids.adminDoc || b != ids.bailleurOld {
		t.Errorf("programme owner = admin %d bailleur %d; want admin %d, bailleur unchanged %d", a, b, ids.adminDoc, ids.bailleurOld)
	}
	// Only the programme row changed.
	after := opsSnapshot(t, pool)
	changed := 0
	for i := range before["programmes_programme"] {
		if before["programmes_programme"][i] != after["programmes_programme"][i] {
			changed++
		}
	}
	delete(before, "programmes_programme")
	delete(after, "programmes_programme")
	opsAssertUnchanged(t, before, after)
	if changed > 1 {
		t.Errorf("%d programme rows changed, want only the example's", changed)
	}
}

func TestProgrammeUpdateBailleurDocumentDialogue(t *testing.T) {
	pool := opsDB(t)
	ids := seedDocExample(t, pool, 0)
	out, err := runCmd(t, docProgrammeUUID+"\n48496369900026\noui\n", "programme_update_bailleur")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if out != docBailleurTranscript {
		t.Errorf("output differs from the document:\n--- got\n%s--- want\n%s", out, docBailleurTranscript)
	}
	if a, b := programmeOwner(t, pool, ids.programme); a != ids.adminOld || b != ids.bailleurDoc {
		t.Errorf("programme owner = admin %d bailleur %d; want admin unchanged %d, bailleur %d", a, b, ids.adminOld, ids.bailleurDoc)
	}
}

func TestProgrammeUpdateHyphenAliasesAndOptions(t *testing.T) {
	pool := opsDB(t)
	ids := seedDocExample(t, pool, 2)

	out, err := runCmd(t, "", "programme-update-administration", "--programme", strings.ToUpper(docProgrammeUUID), "--administration", " 13055 ", "--yes")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, out)
	}
	want := "" +
		"le programme `4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194` : `Opération L9TQKLS6EC` va être modifié\n" +
		"le programme `Opération L9TQKLS6EC` va être attribué à l'administration `Métropole d'Aix-Marseille-Provence` de code `13055`\n" +
		"l'administration du programme `Opération L9TQKLS6EC` a été mise à jour avec l'administration de code `13055`\n" +
		"2 copie(s) d'avenant du programme mise(s) à jour\n" +
		"le programme `Opération L9TQKLS6EC` va être attribué à l'administration `Métropole d'Aix-Marseille-Provence` de code `13055`\n"
	if out != want {
		t.Errorf("output:\n%s--- want\n%s", out, want)
	}
	for _, id := range append([]int{ids.programme}, ids.copies...) {
		if a, _ := programmeOwner(t, pool, id); a != ids.adminDoc {
			t.Errorf("programme %d: administration %d, want %d", id, a, ids.adminDoc)
		}
	}
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_programme WHERE administration_id = $1`, ids.adminOld); n != 1 {
		t.Errorf("%d programmes left on the old administration, want the unrelated one only", n)
	}

	// The bailleur by options, with the SIRET typed with spaces.
	out, err = runCmd(t, "oui\n", "programme-update-bailleur", "--programme", docProgrammeUUID, "--siret", "484 963 699 00026")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if !strings.Contains(out, "Modifier le bailleur du programme (Non/oui)?oui\n") || !strings.HasSuffix(out, "2 copie(s) d'avenant du programme mise(s) à jour\n") {
		t.Errorf("output:\n%s", out)
	}
	for _, id := range append([]int{ids.programme}, ids.copies...) {
		if _, b := programmeOwner(t, pool, id); b != ids.bailleurDoc {
			t.Errorf("programme %d: bailleur %d, want %d", id, b, ids.bailleurDoc)
		}
	}

	// An avenant copy given directly: the warning names its root.
	copyUUID := opsScalar[string](t, pool, `SELECT uuid::text FROM programmes_programme WHERE id = $1`, ids.copies[0])
	out, err = runCmd(t, "non\n", "programme_update_administration", "--programme", copyUUID, "--administration", "DD013")
	if err != nil || !strings.Contains(out, "copie d'avenant du programme `"+docProgrammeUUID+"`") {
		t.Errorf("err = %v, output:\n%s", err, out)
	}
}

func TestProgrammeUpdateDeclinedOrBadInput(t *testing.T) {
	pool := opsDB(t)
	seedDocExample(t, pool, 1)
	before := opsSnapshot(t, pool)

	declined := []struct{ name, cmd, stdin string }{
		{"non", "programme_update_administration", docProgrammeUUID + "\n13055\nnon\n"},
		{"N", "programme_update_administration", docProgrammeUUID + "\n13055\nN\n"},
		{"empty", "programme_update_administration", docProgrammeUUID + "\n13055\n\n"},
		{"bailleur non", "programme_update_bailleur", docProgrammeUUID + "\n" + docSiret + "\nNON\n"},
	}
	for _, d := range declined {
		t.Run(d.name, func(t *testing.T) {
			out, err := runCmd(t, d.stdin, d.cmd)
			if err != nil {
				t.Fatalf("declining is not a failure: %v\n%s", err, out)
			}
			if !strings.Contains(out, "Aucune modification : ") || strings.Contains(out, "a été mise à jour") {
				t.Errorf("output:\n%s", out)
			}
		})
	}

	bad := []struct{ name, cmd, stdin, want string }{
		{"malformed uuid", "programme_update_administration", "4fa6ec1c-b89c\n", "identifiant UUID invalide « 4fa6ec1c-b89c »"},
		{"empty uuid", "programme_update_bailleur", "\n", "identifiant UUID du programme manquant"},
		{"unknown uuid", "programme_update_administration", "00000000-0000-4000-8000-000000000000\n", "aucun programme n'a l'identifiant UUID « 00000000-0000-4000-8000-000000000000 »"},
		{"unknown code", "programme_update_administration", docProgrammeUUID + "\n99999\n", "aucune administration n'a le code « 99999 »"},
		{"unknown siret", "programme_update_bailleur", docProgrammeUUID + "\n12345678901234\n", "aucun bailleur n'a le SIRET « 12345678901234 »"},
		{"other answer", "programme_update_administration", docProgrammeUUID + "\n13055\nouais\n", "réponse « ouais » non comprise : répondez « oui » pour confirmer ou « non »"},
		{"other answer bailleur", "programme_update_bailleur", docProgrammeUUID + "\n" + docSiret + "\ny\n", "réponse « y » non comprise"},
		{"end of input at uuid", "programme_update_administration", "", "fin de l'entrée standard"},
		{"end of input at code", "programme_update_administration", docProgrammeUUID + "\n", "fin de l'entrée standard"},
		{"end of input at confirmation", "programme_update_bailleur", docProgrammeUUID + "\n" + docSiret + "\n", "fin de l'entrée standard"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			out, err := runCmd(t, b.stdin, b.cmd)
			if err == nil {
				t.Fatalf("no error; output:\n%s", out)
			}
			if !strings.Contains(err.Error(), b.want) || !strings.Contains(err.Error(), "rien n'a été modifié") {
				t.Errorf("err = %q, want it to contain %q and say nothing changed", err, b.want)
			}
			if strings.Contains(out, "a été mise à jour") {
				t.Errorf("output claims a change:\n%s", out)
			}
		})
	}
	// Options are checked the same way.
	if _, err := runCmd(t, "", "programme_update_administration", "--programme", "pas-un-uuid", "--yes"); err == nil || !strings.Contains(err.Error(), "identifiant UUID invalide") {
		t.Errorf("bad --programme: err = %v", err)
	}
	opsAssertUnchanged(t, before, opsSnapshot(t, pool))
}
