package habilitation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// Entity is a bailleur or an administration as the session keeps it.
type Entity struct {
	ID   int64
	UUID string
	// Code is the bailleur's siren (its identity key) or the
	// administration's code.
	Code string
	Nom  string
}

// Natures of bailleur (stored labels of bailleurs_bailleur.nature_bailleur).
const (
	NatureHLM          = "HLM"
	NatureSEM          = "SEM"
	NaturePrive        = "Bailleurs privés"
	NatureAutre        = "Autres bailleurs sociaux non HLM"
	codeFamillePrivate = "Bailleurs privés"
)

// Bailleur is a bailleur described by SIAP, ready to be stored (spec §2.4).
type Bailleur struct {
	// Siren is the identity key: the siren, or for a private bailleur its
	// e-mail (else its siret).
	Siren, Siret, Nom, Adresse, CodePostal, Ville, Nature string
	// NatureGiven is true when SIAP sent a codeFamilleMO: only then is the
	// nature of an existing bailleur updated.
	NatureGiven bool
}

// natureOf maps codeFamilleMO to the stored nature.
func natureOf(code string) string {
	switch code {
	case "HLM":
		return NatureHLM
	case "SEM":
		return NatureSEM
	case codeFamillePrivate:
		return NaturePrive
	}
	return NatureAutre
}

// BailleurFromSIAP maps a SIAP entiteMorale (or donneesMo) to a Bailleur.
// A missing identity key is an error naming what is missing.
func BailleurFromSIAP(em siap.EntiteMorale) (Bailleur, error) {
	b := Bailleur{
		Nom:         firstNonEmpty(em.Nom, em.RaisonSociale),
		Adresse:     firstNonEmpty(em.AdresseLigne, em.AdresseLigne4),
		Nature:      natureOf(em.CodeFamilleMO),
		NatureGiven: em.CodeFamilleMO != "",
	}
	b.CodePostal = strings.TrimSpace(string(em.CodePostal))
	l6 := strings.TrimSpace(em.AdresseLigne6)
	if b.CodePostal == "" && len(l6) >= 5 && allDigits(l6[:5]) {
		b.CodePostal = l6[:5]
	}
	b.Ville = strings.TrimSpace(em.Ville)
	if b.Ville == "" {
		b.Ville = strings.TrimLeftFunc(l6, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsSpace(r) })
	}
	siret := strings.TrimSpace(string(em.Siret))
	if b.Nature == NaturePrive {
		b.Siren = firstNonEmpty(em.Email, siret)
		if b.Siren == "" {
			return b, &siap.Error{Kind: siap.KindData, Message: siap.MsgNotCompleted + " ; " + siap.MsgBailleurIdentification,
				Detail: "bailleur privé sans e-mail ni siret"}
		}
	} else {
		b.Siren = strings.TrimSpace(string(em.Siren))
		if b.Siren == "" {
			return b, &siap.Error{Kind: siap.KindData, Message: siap.MsgBailleurIdentification + " ; SIREN manquant",
				Detail: fmt.Sprintf("bailleur %q", b.Nom)}
		}
	}
	b.Siret = firstNonEmpty(siret, b.Siren)
	if len(b.CodePostal) > 5 {
		b.CodePostal = b.CodePostal[:5]
	}
	b.Nom, b.Adresse, b.Ville = cut(b.Nom, 255), cut(b.Adresse, 255), cut(b.Ville, 255)
	return b, nil
}

// UpsertBailleur gets the bailleur by siren or creates it; on an existing
// one, nom is updated when it differs, and nature when SIAP sent one that
// differs (the other columns belong to APiLos users).
func UpsertBailleur(ctx context.Context, tx pgx.Tx, b Bailleur) (Entity, error) {
	e := Entity{Code: b.Siren, Nom: b.Nom}
	err := tx.QueryRow(ctx, `
		INSERT INTO bailleurs_bailleur (siren, siret, nom, adresse, code_postal, ville, nature_bailleur)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (siren) DO NOTHING
		RETURNING id, uuid::text`, b.Siren, b.Siret, b.Nom, b.Adresse, b.CodePostal, b.Ville, b.Nature).Scan(&e.ID, &e.UUID)
	if err == nil {
		return e, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return e, &siap.Error{Kind: siap.KindData, Message: siap.MsgBailleurIdentification,
				Detail: fmt.Sprintf("le siret %q du bailleur %q (siren %s) appartient déjà à un autre bailleur", b.Siret, b.Nom, b.Siren)}
		}
		return e, fmt.Errorf("création du bailleur %s : %w", b.Siren, err)
	}
	var nom, nature string
	if err := tx.QueryRow(ctx, `SELECT id, uuid::text, nom, nature_bailleur FROM bailleurs_bailleur WHERE siren = $1 FOR UPDATE`, b.Siren).
		Scan(&e.ID, &e.UUID, &nom, &nature); err != nil {
		return e, fmt.Errorf("lecture du bailleur %s : %w", b.Siren, err)
	}
	newNature := nature
	if b.NatureGiven {
		newNature = b.Nature
	}
	if b.Nom != nom || newNature != nature {
		if _, err := tx.Exec(ctx, `UPDATE bailleurs_bailleur SET nom = $2, nature_bailleur = $3, mis_a_jour_le = now() WHERE id = $1`,
			e.ID, b.Nom, newNature); err != nil {
			return e, fmt.Errorf("mise à jour du bailleur %s : %w", b.Siren, err)
		}
	}
	return e, nil
}

// UpsertAdministration gets the administration by code or creates it with
// the libellé as nom (never updated afterwards).
func UpsertAdministration(ctx context.Context, tx pgx.Tx, g siap.Gestionnaire) (Entity, error) {
	code := strings.TrimSpace(string(g.Code))
	if code == "" {
		return Entity{}, &siap.Error{Kind: siap.KindData, Message: siap.MsgNotCompleted, Detail: "gestionnaire sans code"}
	}
	nom := cut(firstNonEmpty(g.Libelle, code), 255)
	e := Entity{Code: code}
	err := tx.QueryRow(ctx, `
		INSERT INTO instructeurs_administration (code, nom) VALUES ($1, $2)
		ON CONFLICT (code) DO NOTHING
		RETURNING id, uuid::text, nom`, code, nom).Scan(&e.ID, &e.UUID, &e.Nom)
	if errors.Is(err, pgx.ErrNoRows) {
		err = tx.QueryRow(ctx, `SELECT id, uuid::text, nom FROM instructeurs_administration WHERE code = $1`, code).Scan(&e.ID, &e.UUID, &e.Nom)
	}
	if err != nil {
		return e, fmt.Errorf("administration %s : %w", code, err)
	}
	return e, nil
}

// applyFusions makes the bailleurs absorbed by parent (per SIAP) its
// children, and detaches the children SIAP no longer lists.
func applyFusions(ctx context.Context, tx pgx.Tx, parent Entity, fusions []siap.Fusion) error {
	children := []string{}
	for _, f := range fusions {
		if string(f.SirenAbsorbant) == parent.Code && f.SirenAbsorbe != "" {
			children = append(children, string(f.SirenAbsorbe))
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE bailleurs_bailleur SET parent_id = NULL, mis_a_jour_le = now()
		WHERE parent_id = $1 AND (siren IS NULL OR NOT siren = ANY($2))`, parent.ID, children); err != nil {
		return fmt.Errorf("fusions du bailleur %s : %w", parent.Code, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE bailleurs_bailleur SET parent_id = $1, mis_a_jour_le = now()
		WHERE siren = ANY($2) AND id <> $1 AND parent_id IS DISTINCT FROM $1`, parent.ID, children); err != nil {
		return fmt.Errorf("fusions du bailleur %s : %w", parent.Code, err)
	}
	return nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// cut keeps the first n characters (the columns are varchar(n)).
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
