package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// Preset is a quick filter of the search list: a set of statuts.
type Preset struct {
	Label   string
	Statuts []convention.Statut // nil: every statut
}

// StatutPresets are the quick filters above the list (the reference's
// legacy tabs, kept as links to the filtered list).
var StatutPresets = []Preset{
	{"Toutes", nil},
	{"En cours", convention.ActiveStatuts},
	{"Actives", convention.CompletedStatuts},
	{"Terminées", convention.EndedStatuts},
}

// Choice is a code and its French label, for the filter lists.
type Choice = programme.Choice

// Financements is the Financement list of the filter: the catalogue's.
var Financements = programme.Financements

// NaturesLogement is the NatureLogement list of the filter: the
// catalogue's.
var NaturesLogement = programme.NaturesLogement

// Label returns the label of code in list, the code itself when unknown
// (historic values stay readable).
func Label(list []Choice, code string) string { return programme.List(list).Label(code) }

func known(list []Choice, code string) bool { return programme.List(list).Has(code) }

// maxBailleurChoices bounds the bailleur filter list.
const maxBailleurChoices = 20

// BailleurChoices is the bailleur filter list: the subject's bailleurs
// with a name (uuid and name), at most 20, the selected one always
// included.
func BailleurChoices(ctx context.Context, q Querier, s *access.Subject, selected string) ([]Choice, error) {
	var a access.Args
	sel := a.Add(strings.ToLower(selected))
	sql := `SELECT b.uuid::text, b.nom FROM bailleurs_bailleur b
 WHERE b.nom <> '' AND (` + access.BailleurScope(s, &a, false) + ` OR b.uuid::text = ` + sel + `)
 ORDER BY b.uuid::text = ` + sel + ` DESC, b.nom LIMIT ` + a.Add(maxBailleurChoices)
	rows, err := q.Query(ctx, sql, a.Values()...)
	if err != nil {
		return nil, fmt.Errorf("lecture des bailleurs : %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Choice])
}
