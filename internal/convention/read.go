package convention

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Read models of the convention pages, beside Load and History.

// AvenantType is an avenant type as the pages offer it.
type AvenantType struct {
	Nom  string
	Desc string
}

// ListAvenantTypes lists the types an ordinary avenant is created with or
// ticked with, in the reference's order; dénonciation and résiliation
// have their own buttons.
func ListAvenantTypes(ctx context.Context, q Querier) ([]AvenantType, error) {
	rows, err := q.Query(ctx, `SELECT nom, COALESCE("desc", '') FROM conventions_avenanttype
		WHERE nom <> ALL($1) ORDER BY id`, []string{TypeDenonciation, TypeResiliation})
	if err != nil {
		return nil, fmt.Errorf("lecture des types d'avenant : %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[AvenantType])
}

// AvenantSummary is one avenant in the overview of its convention.
type AvenantSummary struct {
	UUID     uuid.UUID
	Numero   string // "" while not validated
	Statut   Statut
	SigneeLe *time.Time
	Types    []string // names, in the reference's order
}

// IsDenonciation: the avenant carries the dénonciation type.
func (a AvenantSummary) IsDenonciation() bool { return slices.Contains(a.Types, TypeDenonciation) }

// IsResiliation: the avenant carries the résiliation type.
func (a AvenantSummary) IsResiliation() bool { return slices.Contains(a.Types, TypeResiliation) }

// Kind is the wording of the avenant, as Convention.Kind.
func (a AvenantSummary) Kind() string {
	switch {
	case a.IsDenonciation():
		return "dénonciation"
	case a.IsResiliation():
		return "résiliation"
	}
	return "avenant"
}

// Avenants lists the avenants of a root convention: signed ones by
// signature date, then the others by creation.
func Avenants(ctx context.Context, q Querier, rootID int64) ([]AvenantSummary, error) {
	rows, err := q.Query(ctx, `SELECT a.uuid, COALESCE(a.numero, ''), a.statut, a.televersement_convention_signee_le,
		COALESCE((SELECT array_agg(t.nom ORDER BY t.id) FROM conventions_convention_avenant_types cat
		          JOIN conventions_avenanttype t ON t.id = cat.avenanttype_id WHERE cat.convention_id = a.id), '{}')
		FROM conventions_convention a WHERE a.parent_id = $1
		ORDER BY a.televersement_convention_signee_le NULLS LAST, a.cree_le, a.id`, rootID)
	if err != nil {
		return nil, fmt.Errorf("lecture des avenants : %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AvenantSummary, error) {
		var a AvenantSummary
		var statut string
		err := r.Scan(&a.UUID, &a.Numero, &statut, &a.SigneeLe, &a.Types)
		a.Statut = Statut(statut)
		return a, err
	})
}

// Ending is what the form of a dénonciation or a résiliation holds.
type Ending struct {
	Date  *time.Time
	Motif string
	// Acte is the stored text+files JSON of the acte (fichier_instruction_*).
	Acte string
}

// LoadEnding reads the dénonciation fields of c, or its résiliation
// fields when c is a résiliation.
func LoadEnding(ctx context.Context, q Querier, c *Convention) (Ending, error) {
	sql := `SELECT date_denonciation, COALESCE(motif_denonciation, ''), COALESCE(fichier_instruction_denonciation, '')
		FROM conventions_convention WHERE id = $1`
	if c.IsResiliation() {
		sql = `SELECT date_resiliation, COALESCE(motif_resiliation, ''), COALESCE(fichier_instruction_resiliation, '')
		FROM conventions_convention WHERE id = $1`
	}
	var e Ending
	if err := q.QueryRow(ctx, sql, c.ID).Scan(&e.Date, &e.Motif, &e.Acte); err != nil {
		return Ending{}, fmt.Errorf("lecture de la %s : %w", c.Kind(), err)
	}
	return e, nil
}
