package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
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
type Choice struct {
	Code  string
	Label string
}

// Financements is the Financement list of the filter (data-model §7), in
// the reference's order; the labels keep the reference's spelling.
var Financements = []Choice{
	{"PLUS", "PLUS"}, {"PLUS_CD", "PLUS_CD"}, {"PLAI", "PLAI"}, {"PLAI_ADP", "PLAI_ADP"},
	{"PLAI_FTM", "PLAI Foyer de travailleurs migrants"}, {"PLAI_RE", "PLAI Réhabiliation"},
	{"PLUS-PLAI", "PLUS-PLAI"}, {"PLS", "PLS"}, {"PALULOS", "PALULOS"},
	{"PALU_AV_21", "PALULOS avant 2021"}, {"PALUCOM", "PALULOS communal"},
	{"PALU_COM", "PALULOS communal"}, {"PALU_RE", "PALULOS Réhabiliation"},
	{"SANS_FINANCEMENT", "Sans Financement"}, {"LLS", "LLS"}, {"LLTS", "LLTS"}, {"LLTSA", "LLTSA"},
	{"PLS_DOM", "PLS outre-mer"}, {"SALLS_R", "SALLS Réhabiliation"}, {"SALLS_P", "SALLS Parasismique"},
	{"SECD_VIE", "Seconde vie"}, {"RENO", "Renovation"},
}

// NaturesLogement is the NatureLogement list (data-model §5).
var NaturesLogement = []Choice{
	{"LOGEMENTSORDINAIRES", "Logements ordinaires"}, {"AUTRE", "Autres logements foyers"},
	{"HEBERGEMENT", "Hébergement"}, {"RESISDENCESOCIALE", "Résidence sociale"},
	{"PENSIONSDEFAMILLE", "Pensions de famille (Maisons relais)"},
	{"RESIDENCEDACCUEIL", "Résidence d'accueil"}, {"RESIDENCEUNIVERSITAIRE", "Résidence universitaire"},
	{"RHVS", "RHVS"},
}

// Label returns the label of code in list, the code itself when unknown
// (historic values stay readable).
func Label(list []Choice, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

func known(list []Choice, code string) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}

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
