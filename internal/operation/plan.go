package operation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// garageTypologies maps SIAP's garage types to TypologiesStationnement.
var garageTypologies = map[string]string{
	"Enterrés / Sous-sol": "GARAGE_ENTERRE",
	"Superstructure":      "PARKING_SUPERSTRUCTURE",
}

// Upper bounds (excluded) of the columns: montant numeric(12,2), loyer
// numeric(6,2), nb_stationnements integer.
var (
	maxMontant = decimal.New(1, 10)
	maxLoyer   = decimal.New(1, 4)
)

const maxNombre = 1<<31 - 1

// lotRows are the prêts and stationnements a new lot gets from the
// operation's financing plan.
type lotRows struct {
	prets          []decimal.Decimal // montants; preteur AUTRE, nothing else known
	stationnements []stationnementRow
}

type stationnementRow struct {
	typologie string
	nombre    int64
	loyer     decimal.Decimal
}

// planOf reads the financing plan of financement f (workflows §2.1 step
// 5): one prêt per loan of the plans of that aid and per subsidy of that
// aid in them (a missing amount is 0), one stationnement per garage type
// of the aid's details (count = individual + collective garages, rent
// from the first rent's garage rents, else 0). A value the columns
// cannot hold is SIAP data APiLos cannot use.
func planOf(op siap.Operation, f string) (lotRows, error) {
	var r lotRows
	for _, p := range op.PlansFinancement {
		if p.CodeAide != f {
			continue
		}
		amounts := make([]json.Number, 0, len(p.Prets)+len(p.Subventions))
		for _, x := range p.Prets {
			amounts = append(amounts, x.Montant)
		}
		for _, x := range p.Subventions {
			if x.Type == f {
				amounts = append(amounts, x.Montant)
			}
		}
		for _, a := range amounts {
			m, err := amount(f, programme.ObjPret, "montant", a, maxMontant)
			if err != nil {
				return lotRows{}, err
			}
			r.prets = append(r.prets, m)
		}
	}
	i := slices.IndexFunc(op.DetailsOperation, func(d siap.DetailOperation) bool { return d.Aide.Code == f })
	if i < 0 {
		return r, nil
	}
	d := op.DetailsOperation[i]
	loyers := map[string]json.Number{}
	if len(d.Loyers) > 0 {
		for _, l := range d.Loyers[0].LoyerGarages {
			if _, ok := loyers[l.Type]; !ok {
				loyers[l.Type] = l.Loyer
			}
		}
	}
	for _, g := range d.Garages {
		typologie, ok := garageTypologies[g.Type]
		if !ok {
			return lotRows{}, planError(f, programme.ObjStationnement, "typologie",
				fmt.Sprintf("« %s » n'est pas un type de garage connu (%s)", g.Type, strings.Join(garageTypes(), ", ")))
		}
		var n int64
		for _, c := range []*int64{g.NbGaragesIndividuels, g.NbGaragesCollectifs} {
			if c == nil {
				continue
			}
			if *c < 0 {
				return lotRows{}, planError(f, programme.ObjStationnement, "nb_stationnements",
					fmt.Sprintf("%s pour « %s » ne peut pas être négatif", fr.Int(*c), g.Type))
			}
			n += min(*c, maxNombre+1)
		}
		if n > maxNombre {
			return lotRows{}, planError(f, programme.ObjStationnement, "nb_stationnements",
				fmt.Sprintf("le nombre pour « %s » est trop grand", g.Type))
		}
		loyer, err := amount(f, programme.ObjStationnement, "loyer", loyers[g.Type], maxLoyer)
		if err != nil {
			return lotRows{}, err
		}
		r.stationnements = append(r.stationnements, stationnementRow{typologie: typologie, nombre: n, loyer: loyer})
	}
	return r, nil
}

// amount reads a SIAP amount, 0 when missing, rounded to the cent: it
// must be positive and below max.
func amount(f, object, field string, v json.Number, max decimal.Decimal) (decimal.Decimal, error) {
	if v == "" {
		return decimal.Zero, nil
	}
	d, err := decimal.NewFromString(string(v))
	if err != nil {
		return decimal.Zero, planError(f, object, field, fmt.Sprintf("« %s » n'est pas un nombre", v))
	}
	d = d.Round(2)
	switch {
	case d.IsNegative():
		return decimal.Zero, planError(f, object, field, fmt.Sprintf("%s ne peut pas être négatif", fr.Amount(d)))
	case d.GreaterThanOrEqual(max):
		return decimal.Zero, planError(f, object, field, fmt.Sprintf("%s doit être inférieur à %s", fr.Amount(d), fr.Amount(max)))
	}
	return d, nil
}

// planError refuses a SIAP value of financement f,
// naming the field as the convention's form does.
func planError(f, object, field, problem string) error {
	label := field
	if fd, ok := programme.FieldOf(object, field); ok {
		label = fd.Describe()
	}
	return dataError(fmt.Sprintf("Données du SIAP pour le financement %s : %s : %s",
		programme.FinancementLabel(f), label, problem), "")
}

func garageTypes() []string {
	out := make([]string, 0, len(garageTypologies))
	for t := range garageTypologies {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// writeRows gives the new lot its prêts and stationnements.
func writeRows(ctx context.Context, tx pgx.Tx, lotID int64, r lotRows) error {
	for _, m := range r.prets {
		// Same values as the reference: lender AUTRE, empty name.
		if _, err := tx.Exec(ctx, `INSERT INTO conventions_pret (lot_id, preteur, autre, montant) VALUES ($1, 'AUTRE', '', $2)`,
			lotID, m.String()); err != nil {
			return fmt.Errorf("création des prêts : %w", err)
		}
	}
	for _, s := range r.stationnements {
		if _, err := tx.Exec(ctx, `INSERT INTO programmes_typestationnement (lot_id, typologie, nb_stationnements, loyer) VALUES ($1, $2, $3, $4)`,
			lotID, s.typologie, s.nombre, s.loyer.String()); err != nil {
			return fmt.Errorf("création des stationnements : %w", err)
		}
	}
	return nil
}
