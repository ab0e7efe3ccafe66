package programme

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/fr"
)

// FoyerResidenceLogementsInput is the Logements step of foyers and
// résidences (workflows §3.9): the per-lot block (with the total
// habitable surface) and one table: numéro, typologie, surface
// habitable, redevance maximale (Loyer). A row without financement goes
// to the first lot.
type FoyerResidenceLogementsInput struct {
	Lots []LotInput
	Rows []LogementInput
}

// Step is StepFoyerResidenceLogements.
func (FoyerResidenceLogementsInput) Step() Step { return StepFoyerResidenceLogements }

// FoyerResidenceLogementsInputOf is the form filled with the stored
// values.
func FoyerResidenceLogementsInputOf(c *Content) FoyerResidenceLogementsInput {
	in := FoyerResidenceLogementsInput{Lots: lotInputsOf(c)}
	for _, l := range c.Lots {
		for _, lg := range l.Logements {
			in.Rows = append(in.Rows, logementInputOf(LogementOfLot{Logement: lg, Financement: l.Financement, LotUUID: l.UUID}))
		}
	}
	return in
}

// MsgRedevanceTypologie is the rule of one redevance per typologie.
func MsgRedevanceTypologie(typologie string) string {
	return "Les loyers doivent-être identiques pour les logements de typologie identique : " + TypologieLabel(typologie)
}

// MsgSurfaceTotale is the rule of the total habitable surface of a lot.
func MsgSurfaceTotale(total, sum decimal.Decimal) string {
	return fmt.Sprintf("La surface habitable totale (%s) doit être supérieure ou égale à la somme des surfaces habitables des logements (%s)",
		fr.Surface(total), fr.Surface(sum))
}

type foyerLogementsPlan struct {
	c       *Content
	lots    []lotValues
	rows    []logementRow
	deleted []*storedLogement
}

func (in FoyerResidenceLogementsInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	p := &foyerLogementsPlan{c: c}
	p.lots = checkLots(&ps, c, in.Lots, true)
	stored := storedLogements(c)
	seen := map[uuid.UUID]bool{}
	for i, r := range in.Rows {
		rc := ps.at(TableFoyerLogements, i)
		row := logementRow{kind: KindAvecLoyer, index: i}
		if id, ok := rowUUID(rc, r.UUID, stored, seen); ok {
			row.old = stored[id]
			row.ID, row.UUID = row.old.ID, row.old.UUID
		}
		if r.Financement == "" && len(c.Lots) > 0 {
			row.lot = &c.Lots[0]
		} else {
			row.lot = lotOfRow(rc, c, r.Financement, MsgFinancementRequis)
		}
		row.Designation = rc.text("designation", r.Designation, true, "", 255)
		row.Typologie = rc.choice("typologie", r.Typologie, TypologiesFoyerResidence, true, "")
		row.SurfaceHabitable = rc.decimal("surface_habitable", r.SurfaceHabitable, true, "", 2, limit6)
		row.Loyer = rc.decimal("loyer", r.Loyer, true, "", 2, limit6)
		p.rows = append(p.rows, row)
	}
	numberInLots(p.rows)
	for _, o := range storedList(c, stored) {
		if !seen[o.UUID] {
			p.deleted = append(p.deleted, o)
		}
	}
	// Same typologie, same redevance.
	first := map[string]decimal.Decimal{}
	var bad []string
	for _, r := range p.rows {
		if r.Typologie == "" || !r.Loyer.Valid {
			continue
		}
		if f, ok := first[r.Typologie]; !ok {
			first[r.Typologie] = r.Loyer.Decimal
		} else if !f.Equal(r.Loyer.Decimal) && !contains(bad, r.Typologie) {
			bad = append(bad, r.Typologie)
		}
	}
	for _, t := range bad {
		for _, r := range p.rows {
			if r.Typologie == t {
				ps.at(TableFoyerLogements, r.index).add("loyer", MsgRedevanceTypologie(t))
			}
		}
	}
	// The total habitable surface of a lot covers its logements (a rule
	// the reference wrote but never applied).
	sums := map[*Lot]decimal.Decimal{}
	counts := map[*Lot]int{}
	for _, r := range p.rows {
		if r.lot != nil {
			counts[r.lot]++
			if r.SurfaceHabitable.Valid {
				sums[r.lot] = sums[r.lot].Add(r.SurfaceHabitable.Decimal)
			}
		}
	}
	for i := range c.Lots {
		l := &c.Lots[i]
		total, idx := l.SurfaceHabitableTotale, -1
		for _, v := range p.lots {
			if v.lot == l {
				total, idx = v.shTotale, v.index
			}
		}
		if total.Valid && total.Decimal.LessThan(sums[l]) {
			ps = append(ps, Problem{Table: TableLots, Row: idx, Field: "surface_habitable_totale", Message: MsgSurfaceTotale(total.Decimal, sums[l])})
		}
	}
	// Optional: Σ declared nb_logements = number of rows (avenant pages
	// skip it).
	total, idx, some := 0, -1, false
	for i := range c.Lots {
		if n, j, ok := declared(p.lots, &c.Lots[i]); ok {
			total += n
			some = true
			if idx < 0 {
				idx = j
			}
		}
	}
	if some && total != len(p.rows) && !c.Convention.IsAvenant() {
		ps = append(ps, Problem{Table: TableLots, Row: idx, Field: "nb_logements", Message: MsgNbLogementsDeclares(total, len(p.rows)), Optional: true})
	}
	return p, ps
}

func (p *foyerLogementsPlan) changes() []change {
	var d diff
	lotChanges(&d, p.lots, true)
	logementChanges(&d, p.rows, p.deleted)
	return d
}

func (p *foyerLogementsPlan) write(ctx context.Context, tx pgx.Tx) error {
	if err := writeLots(ctx, tx, p.lots); err != nil {
		return err
	}
	return syncLogements(ctx, tx, p.rows, p.deleted)
}
