package importxlsx

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// MsgAvenantOnly refuses a logements table that only avenants have.
const MsgAvenantOnly = "Ce tableau de logements n'existe que dans les avenants : une convention importe le tableau « Logements » (surface utile avec loyers)."

// Input is the step's input with the read rows in place of the table's
// rows; the other fields and tables of the step keep their stored values.
// A row matching a stored row keeps that row's identity (spec workflows
// §4.2: same désignation for logements and EDD rows, same logement and
// type for annexes, same section and numéro for parcels, same numéro for
// prêts), so what hangs on it (the annexes of a logement, comments)
// stays; other stored rows are removed by the save.
func Input(c *programme.Content, res *Result) (programme.Input, error) {
	sp := specs[res.Kind]
	if sp == nil {
		return nil, fileError("Tableau inconnu.")
	}
	if !programme.HasStep(c, sp.step) {
		return nil, fileError(programme.MsgStepNotHere)
	}
	switch res.Kind {
	case Logements, LogementsSansLoyer, LogementsCorrigee, LogementsCorrigeeSansLoyer:
		k, _ := res.Kind.logementKind()
		if k != programme.KindAvecLoyer && !c.Convention.IsAvenant() {
			return nil, fileError(MsgAvenantOnly)
		}
		in := programme.LogementsInputOf(c)
		m := newMatcher()
		for _, r := range in.Tables[k] {
			m.add(r.UUID, r.Designation)
		}
		rows := clone(res.Logements)
		for i := range rows {
			rows[i].UUID = m.take(rows[i].Designation)
		}
		in.Tables[k] = rows
		return in, nil
	case FoyerResidenceLogements:
		in := programme.FoyerResidenceLogementsInputOf(c)
		m := newMatcher()
		fin := map[string]string{}
		for _, r := range in.Rows {
			m.add(r.UUID, r.Designation)
			fin[r.UUID] = r.Financement
		}
		rows := clone(res.Logements)
		for i := range rows {
			rows[i].UUID = m.take(rows[i].Designation)
			if rows[i].Financement == "" && rows[i].UUID != "" {
				rows[i].Financement = fin[rows[i].UUID]
			}
		}
		in.Rows = rows
		return in, nil
	case Annexes:
		in := programme.AnnexesInputOf(c)
		m := newMatcher()
		for _, r := range in.Rows {
			m.add(r.UUID, r.LogementDesignation, r.Typologie)
		}
		rows := clone(res.Annexes)
		for i := range rows {
			rows[i].UUID = m.take(rows[i].LogementDesignation, rows[i].Typologie)
		}
		in.Rows = rows
		return in, nil
	case Stationnements:
		in := programme.StationnementsInputOf(c)
		m := newMatcher()
		for _, r := range in.Rows {
			m.add(r.UUID, r.Typologie, r.Financement, r.NbStationnements)
		}
		rows := clone(res.Stationnements)
		for i := range rows {
			rows[i].UUID = m.take(rows[i].Typologie, rows[i].Financement, rows[i].NbStationnements)
		}
		in.Rows = rows
		return in, nil
	case Cadastre:
		in := programme.CadastreInputOf(c)
		m := newMatcher()
		for _, r := range in.References {
			m.add(r.UUID, r.Section, r.Numero)
		}
		rows := clone(res.References)
		for i := range rows {
			rows[i].UUID = m.take(rows[i].Section, rows[i].Numero)
		}
		in.References = rows
		return in, nil
	case EDD:
		in := programme.EDDInputOf(c)
		m := newMatcher()
		for _, r := range in.Rows {
			m.add(r.UUID, r.Designation)
		}
		rows := clone(res.EDD)
		for i := range rows {
			rows[i].UUID = m.take(rows[i].Designation)
		}
		in.Rows = rows
		return in, nil
	case Financement:
		in := programme.FinancementInputOf(c)
		m := newMatcher()
		for _, r := range in.Prets {
			if r.Numero != "" {
				m.add(r.UUID, r.Numero, r.Financement)
			}
		}
		rows := clone(res.Prets)
		for i := range rows {
			if rows[i].Numero != "" {
				rows[i].UUID = m.take(rows[i].Numero, rows[i].Financement)
			}
		}
		in.Prets = rows
		return in, nil
	case LocauxCollectifs:
		in := programme.CollectifInputOf(c)
		in.Rows = clone(res.LocauxCollectifs) // all new, as in the reference
		return in, nil
	}
	return nil, fileError("Tableau inconnu.")
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }

// matcher hands out the uuids of stored rows by key, each once.
type matcher map[string][]string

func newMatcher() matcher { return matcher{} }

func key(parts []string) string {
	k := ""
	for _, p := range parts {
		k += normalise(p) + "\x1f"
	}
	return k
}

func (m matcher) add(id string, parts ...string) {
	if id == "" {
		return
	}
	k := key(parts)
	m[k] = append(m[k], id)
}

func (m matcher) take(parts ...string) string {
	k := key(parts)
	ids := m[k]
	if len(ids) == 0 {
		return ""
	}
	m[k] = ids[1:]
	return ids[0]
}

// Report is what the step's rules say of an import, before anything is
// saved.
type Report struct {
	// Cells are the problems of the read rows, by line and column.
	Cells []CellError
	// Others are the blocking problems of the step outside the imported
	// rows (a stored field the step requires): the import cannot be saved
	// before they are fixed on the step's page.
	Others []string
	// Optional are the problems the user may confirm (« Valider quand
	// même »).
	Optional []string
}

// Blocking reports whether the import cannot be saved.
func (r Report) Blocking() bool { return len(r.Cells) > 0 || len(r.Others) > 0 }

// Check runs the step's rules (programme.Validate) on the step with the
// read rows in place, and names each problem of a read row by its
// spreadsheet line and column.
func Check(c *programme.Content, res *Result, env programme.Env) (Report, error) {
	in, err := Input(c, res)
	if err != nil {
		return Report{}, err
	}
	return ReportOf(res, programme.Validate(c, in, env)), nil
}

// ReportOf names the problems of the step with the read rows in place
// (Validate's, or a refused save's) by spreadsheet line and column.
func ReportOf(res *Result, ps programme.Problems) Report {
	sp := specs[res.Kind]
	var rep Report
	for _, p := range ps {
		switch {
		case p.Optional:
			rep.Optional = append(rep.Optional, p.String())
		case sp != nil && p.Table == sp.table && p.Row >= 0 && p.Row < len(res.Lines):
			ce := CellError{Sheet: sp.sheet, Line: res.Lines[p.Row], Message: p.Message}
			if col, ok := res.Columns[p.Field]; ok && p.Field != "" {
				ce.Column, ce.Header = col, programme.FieldLabel(sp.object, p.Field)
			}
			rep.Cells = append(rep.Cells, ce)
		default:
			rep.Others = append(rep.Others, p.String())
		}
	}
	return rep
}

// Preview loads the convention's content and checks the import against
// it.
func Preview(ctx context.Context, q programme.Querier, conventionID int64, res *Result, env programme.Env) (Report, error) {
	c, err := programme.Load(ctx, q, conventionID)
	if err != nil {
		return Report{}, err
	}
	return Check(c, res, env)
}

// Save writes the import in the caller's transaction through
// programme.Save: the step with the read rows in place of the table's,
// all rows or none, under the step's rules and the subject's
// editability (a *programme.ValidationError or a *convention.Refusal
// when refused, nothing written).
func Save(ctx context.Context, tx pgx.Tx, s *access.Subject, conventionUUID uuid.UUID, res *Result, opt programme.Options) (*programme.Result, error) {
	conv, err := convention.Load(ctx, tx, conventionUUID)
	if err != nil {
		return nil, err
	}
	c, err := programme.Load(ctx, tx, conv.ID)
	if err != nil {
		return nil, err
	}
	in, err := Input(c, res)
	if err != nil {
		return nil, err
	}
	return programme.Save(ctx, tx, s, conventionUUID, in, opt)
}
