package convention

import (
	"context"
	"fmt"
	"net/url"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// Indicator is one figure of SIAP's dashboard (spec access-api-ops §3.4):
// how many of the subject's conventions are in some statuts, with the
// link to the search page listing them.
type Indicator struct {
	URL    string `json:"indicateur_redirection_url"`
	Valeur int64  `json:"indicateur_valeur"`
	Label  string `json:"indicateur_label"`
}

type indicatorDef struct {
	label   string
	statuts []Statut
}

// indicatorsOf are the indicators of a habilitation profile: national
// and regional administrations follow the conventions in progress, the
// services that instruct and the bailleurs the conventions waiting for
// them; partners get none.
func indicatorsOf(s *access.Subject) []indicatorDef {
	profile := ""
	if s.Role != nil {
		profile = s.Role.Profile
	}
	switch profile {
	case access.ProfileDirReg, access.ProfileAdmCentrale:
		return []indicatorDef{{"en cours", []Statut{Projet, Instruction, Correction, ASigner}}}
	case access.ProfileSerDep, access.ProfileSerGest, access.ProfileAssHLM, access.ProfileInstructeur:
		return []indicatorDef{{"en instruction", []Statut{Instruction}}, {"en correction", []Statut{Correction}}, {"à signer", []Statut{ASigner}}}
	case access.ProfileMOPersMorale, access.ProfileMOPersPhys, access.ProfileBailleur:
		return []indicatorDef{{"en projet", []Statut{Projet}}, {"en correction", []Statut{Correction}}, {"à signer", []Statut{ASigner}}}
	}
	return nil
}

// SearchURL is the search page listing conventions in statuts.
func SearchURL(statuts []Statut) string {
	v := url.Values{}
	for _, st := range statuts {
		v.Add("cstatut", string(st))
	}
	return "/conventions/recherche?" + v.Encode()
}

// KPIs counts the root conventions (avenants excluded) the subject sees
// in the statuts of each of its indicators, in one query.
func KPIs(ctx context.Context, q Querier, s *access.Subject) ([]Indicator, error) {
	defs := indicatorsOf(s)
	out := make([]Indicator, 0, len(defs))
	if len(defs) == 0 {
		return out, nil
	}
	var statuts []string
	for _, d := range defs {
		for _, st := range d.statuts {
			statuts = append(statuts, string(st))
		}
	}
	var a access.Args
	st := a.Add(statuts)
	scope := access.ConventionScope(s, &a)
	from := "conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id"
	if scope == "TRUE" {
		// Every convention: the count reads the statut index alone.
		from = "conventions_convention c"
	}
	rows, err := q.Query(ctx, `SELECT c.statut, count(*) FROM `+from+`
		WHERE c.parent_id IS NULL AND c.statut = ANY(`+st+`::text[]) AND `+scope+`
		GROUP BY c.statut`, a.Values()...)
	if err != nil {
		return nil, fmt.Errorf("indicateurs : %w", err)
	}
	defer rows.Close()
	counts := map[Statut]int64{}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		counts[Statut(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("indicateurs : %w", err)
	}
	for _, d := range defs {
		ind := Indicator{URL: SearchURL(d.statuts), Label: d.label}
		for _, st := range d.statuts {
			ind.Valeur += counts[st]
		}
		out = append(out, ind)
	}
	return out, nil
}
