package document

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/notify"
)

// The validation's transaction stores the validated data (spec
// data-model §20.9): the rows the document is made from under their
// Django names, the document's figures and the programme's files; a
// validation rolled back stores nothing.
func TestSnapshotSavedOnValidation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ordinaire := w.make(spec{statut: "4. A signer"})
	foyer := w.make(spec{nature: "AUTRE", statut: "4. A signer", financement: []string{"PLAI"}, logements: 2})
	avenant := w.make(spec{statut: "4. A signer", parent: ordinaire.ID, types: []string{"logements"}, financement: []string{"PLS"}, logements: 1})
	w.exec(`UPDATE programmes_programme SET vendeur = $2 WHERE id = $1`, ordinaire.Programme,
		`{"files": {"0c5e8a8e-1f6b-4bb2-9a52-5a3d7f1d2c01": {"uuid": "0c5e8a8e-1f6b-4bb2-9a52-5a3d7f1d2c01", "realname": "acte.pdf"}}, "text": "SCI"}`)

	for _, tc := range []struct {
		name       string
		m          made
		lots       []string // financements, first lot first
		cdc, autre int
		vendeur    int // files of vendeur_files
	}{
		{"logements ordinaires", ordinaire, []string{"PLUS", "PLAI"}, 2, 2, 1},
		{"foyer", foyer, []string{"PLAI"}, 1, 1, 0},
		{"avenant", avenant, []string{"PLS"}, 1, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			ev := notify.NewEvent(notify.Validated, tc.m.UUID, 0)
			tx, err := w.pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			after, err := RequestAfterValidation(ctx, tx, tc.m.ID, []notify.Event{ev})
			if err != nil {
				t.Fatal(err)
			}
			if after.Task == nil || after.Then == nil || after.Then.ID != ev.ID {
				t.Errorf("après validation : %+v", after)
			}
			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			var stored *string
			w.pool.QueryRow(ctx, `SELECT donnees_validees FROM conventions_convention WHERE id = $1`, tc.m.ID).Scan(&stored)
			if stored != nil {
				t.Fatal("données validées enregistrées par une validation annulée")
			}

			tx, err = w.pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := RequestAfterValidation(ctx, tx, tc.m.ID, []notify.Event{ev}); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			w.pool.QueryRow(ctx, `SELECT donnees_validees FROM conventions_convention WHERE id = $1`, tc.m.ID).Scan(&stored)
			if stored == nil {
				t.Fatal("données validées absentes")
			}
			var snap struct {
				Convention     map[string]any   `json:"convention"`
				Programme      map[string]any   `json:"programme"`
				Bailleur       map[string]any   `json:"bailleur"`
				Administration map[string]any   `json:"administration"`
				Lot            map[string]any   `json:"lot"`
				Logements      []map[string]any `json:"logements"`
				Annexes        []map[string]any `json:"annexes"`
				Stationnements []map[string]any `json:"stationnements"`
				PretsCDC       []map[string]any `json:"prets_cdc"`
				AutresPrets    []map[string]any `json:"autres_prets"`
				EDDs           []map[string]any `json:"logement_edds"`
				Cadastre       []map[string]any `json:"references_cadastrales"`
				ParType        map[string]int   `json:"nb_logements_par_type"`
				LotNum         int              `json:"lot_num"`
				ShTotale       decimal.Decimal  `json:"sh_totale"`
				LoyerTotal     decimal.Decimal  `json:"loyer_total"`
				Annexe         string           `json:"liste_des_annexes"`
				Mix            *int             `json:"mixPLUS_10pc"`
				VendeurFiles   map[string]any   `json:"vendeur_files"`
				EDDFiles       map[string]any   `json:"edd_classique_files"`
			}
			if err := json.Unmarshal([]byte(*stored), &snap); err != nil {
				t.Fatalf("JSON invalide : %v", err)
			}
			if _, ok := snap.Convention["donnees_validees"]; ok || snap.Convention["numero"] != tc.m.Numero || snap.Convention["uuid"] != tc.m.UUID.String() {
				t.Errorf("convention %v", snap.Convention)
			}
			if snap.Programme["nom"] != tc.m.Nom || snap.Bailleur["nom"] != "Habitat Marseille Provence OPH" || snap.Administration["code"] != "DD013" {
				t.Errorf("programme %v, bailleur %v, administration %v", snap.Programme["nom"], snap.Bailleur["nom"], snap.Administration["code"])
			}
			if snap.Lot["financement"] != tc.lots[0] {
				t.Errorf("premier lot %v, %s attendu", snap.Lot["financement"], tc.lots[0])
			}
			var designations []string
			for _, l := range snap.Logements {
				designations = append(designations, l["designation"].(string))
			}
			if !slices.Equal(designations, tc.m.Designation) {
				t.Errorf("logements %v, %v attendus", designations, tc.m.Designation)
			}
			n := 0
			for _, c := range snap.ParType {
				n += c
			}
			if n != len(tc.m.Designation) || len(snap.Stationnements) != len(tc.lots) || len(snap.EDDs) != len(tc.lots) || len(snap.Cadastre) != 1 {
				t.Errorf("%d logements par type, %d stationnements, %d EDD, %d cadastre", n, len(snap.Stationnements), len(snap.EDDs), len(snap.Cadastre))
			}
			if len(snap.PretsCDC) != tc.cdc || len(snap.AutresPrets) != tc.autre {
				t.Errorf("%d prêts CDC, %d autres ; %d et %d attendus", len(snap.PretsCDC), len(snap.AutresPrets), tc.cdc, tc.autre)
			}
			for _, p := range snap.PretsCDC {
				if p["preteur"] != "CDCF" {
					t.Errorf("prêt CDC %v", p)
				}
			}
			var sh, loyer decimal.Decimal
			if err := w.pool.QueryRow(ctx, `SELECT sum(lg.surface_habitable), sum(lg.loyer) FROM programmes_logement lg
				JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1`, tc.m.ID).Scan(&sh, &loyer); err != nil {
				t.Fatal(err)
			}
			if !snap.ShTotale.Equal(sh) || !snap.LoyerTotal.Equal(loyer) {
				t.Errorf("totaux SH %s loyer %s ; %s et %s attendus", snap.ShTotale, snap.LoyerTotal, sh, loyer)
			}
			if snap.Mix == nil || snap.LotNum == 0 {
				t.Errorf("chiffres de mixité ou lot_num absents : %v %d", snap.Mix, snap.LotNum)
			}
			if len(snap.VendeurFiles) != tc.vendeur || snap.EDDFiles == nil {
				t.Errorf("fichiers du vendeur %v, de l'EDD classique %v", snap.VendeurFiles, snap.EDDFiles)
			}
			if tc.name != "foyer" && snap.Annexe == "" {
				t.Error("liste des annexes vide")
			}
		})
	}
}
