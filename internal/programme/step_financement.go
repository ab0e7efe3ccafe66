package programme

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/fr"
)

// FinancementInput is the Financement step (workflows §3.7): the prêts
// of the lots, the end year of the convention, the fonds propres
// (logements ordinaires) and the history of public financing (foyers and
// résidences).
type FinancementInput struct {
	Prets                       []PretInput
	AnneeFinConventionnement    string
	FondPropre                  string
	HistoriqueFinancementPublic string
}

// PretInput is one row of the prêts table; Financement chooses the lot.
type PretInput struct {
	UUID        string
	Financement string
	Numero      string
	Preteur     string // a code of Preteurs; AUTRE when empty
	Autre       string
	DateOctroi  string
	Duree       string
	Montant     string
}

// Step is StepFinancement.
func (FinancementInput) Step() Step { return StepFinancement }

// FinancementInputOf is the form filled with the stored values.
func FinancementInputOf(c *Content) FinancementInput {
	in := FinancementInput{HistoriqueFinancementPublic: c.Convention.HistoriqueFinancementPublic}
	if y := c.Convention.AnneeFinConventionnement(); y != 0 {
		in.AnneeFinConventionnement = strconv.Itoa(y)
	}
	if c.Convention.FondPropre != nil {
		in.FondPropre = strings.ReplaceAll(strconv.FormatFloat(*c.Convention.FondPropre, 'f', -1, 64), ".", ",")
	}
	for _, l := range c.Lots {
		for _, x := range l.Prets {
			in.Prets = append(in.Prets, PretInput{UUID: x.UUID.String(), Financement: l.Financement, Numero: x.Numero,
				Preteur: x.Preteur, Autre: x.Autre, DateOctroi: x.DateOctroi.String(), Duree: itoa(x.Duree), Montant: x.Montant.StringFixed(2)})
		}
	}
	return in
}

// Messages of the Financement step.
const (
	MsgFinancementRequis = "Le financement doit obligatoirement être fourni"
	MsgCDCDateOctroi     = "La date d'octroi est obligatoire pour un prêt de la Caisse de dépôts et consignations"
	MsgCDCDuree          = "La durée est obligatoire pour un prêt de la Caisse de dépôts et consignations"
	MsgCDCNumero         = "Le numéro est obligatoire pour un prêt de la Caisse de dépôts et consignations"
	MsgPreteurAutre      = "Merci de préciser le prêteur"
	MsgMontant           = "Le montant du prêt est obligatoire"
	MsgMontantMax        = "Le montant du prêt doit-être inférieur à 10 000 000 000 €"
	MsgAnneeFin          = "La date de fin de conventionnement est obligatoire"
)

// MsgAnneeFinMin and MsgAnneeFinMax are the end-year bounds.
func MsgAnneeFinMin(n int) string {
	return fmt.Sprintf("L'année de fin de conventionnement ne peut être inférieur à %d", n)
}
func MsgAnneeFinMax(n int) string {
	return fmt.Sprintf("L'année de fin de conventionnement ne peut être supérieur à %d", n)
}

// MsgCDCRequis is the table rule of non-PLS lots with prêts.
func MsgCDCRequis(financement string) string {
	return "Au moins un prêt à la Caisee des dépôts et consignations doit-être déclaré (CDC foncière, CDC locative) pour le financement " +
		FinancementLabel(financement)
}

// MsgLotInconnu is the refusal of a row whose financement is not one of
// the convention's lots.
func MsgLotInconnu(financement string) string {
	return fmt.Sprintf("Vérifiez si le financement est pris en charge par Apilos ou s'il s'agit d'une erreur de saisie : la convention n'a pas de lot %s", financement)
}

type pretRow struct {
	Pret
	lot *Lot
}

type financementPlan struct {
	c          *Content
	rows       []pretRow
	deleted    []pretRow
	dateFin    Date
	fondPropre *float64
	historique string
	foyerRes   bool
}

func (in FinancementInput) check(c *Content, env Env) (plan, Problems) {
	var ps Problems
	p := &financementPlan{c: c, foyerRes: c.Programme.IsFoyerOrResidence(),
		fondPropre: c.Convention.FondPropre, historique: c.Convention.HistoriqueFinancementPublic}
	stored := map[uuid.UUID]pretRow{}
	for i := range c.Lots {
		for _, x := range c.Lots[i].Prets {
			stored[x.UUID] = pretRow{x, &c.Lots[i]}
		}
	}
	seen := map[uuid.UUID]bool{}
	tableOK := true
	for i, r := range in.Prets {
		rc := ps.at(TablePrets, i)
		before := len(ps)
		var row pretRow
		if id, ok := rowUUID(rc, r.UUID, stored, seen); ok {
			row = stored[id]
		}
		row.lot = lotOfRow(rc, c, r.Financement, MsgFinancementRequis)
		row.Numero = rc.text("numero", r.Numero, false, "", 255)
		row.Preteur = rc.choice("preteur", r.Preteur, Preteurs, false, "")
		if strings.TrimSpace(r.Preteur) == "" {
			row.Preteur = "AUTRE"
		}
		row.Autre = rc.text("autre", r.Autre, false, "", 255)
		row.DateOctroi = rc.date("date_octroi", r.DateOctroi, false, "")
		row.Duree = rc.integer("duree", r.Duree, false, "")
		if m := rc.decimal("montant", r.Montant, true, MsgMontant, 2, 0); m.Valid {
			if m.Decimal.GreaterThanOrEqual(decimalOf(limit12)) {
				rc.add("montant", MsgMontantMax)
			}
			row.Montant = m.Decimal
		}
		if IsCDC(row.Preteur) {
			if row.DateOctroi.IsZero() && strings.TrimSpace(r.DateOctroi) == "" {
				rc.add("date_octroi", MsgCDCDateOctroi)
			}
			if (row.Duree == nil || *row.Duree == 0) && !hasProblem(ps[before:], "duree") {
				rc.add("duree", MsgCDCDuree)
			}
			if row.Numero == "" {
				rc.add("numero", MsgCDCNumero)
			}
		}
		if row.Preteur == "AUTRE" && row.Autre == "" {
			rc.add("autre", MsgPreteurAutre)
		}
		if len(ps) > before {
			tableOK = false
		}
		p.rows = append(p.rows, row)
	}
	for _, r := range stored {
		if !seen[r.UUID] {
			p.deleted = append(p.deleted, r)
		}
	}
	// Table rule: a non-PLS lot with prêts has a CDC prêt, unless the
	// opération is sans travaux.
	if !c.Programme.IsSansTravaux() {
		for i := range c.Lots {
			l := &c.Lots[i]
			if IsPLSLike(l.Financement) {
				continue
			}
			has, cdc := false, false
			for _, r := range p.rows {
				if r.lot == l {
					has = true
					cdc = cdc || IsCDC(r.Preteur)
				}
			}
			if has && !cdc {
				ps = append(ps, Problem{Table: TablePrets, Row: -1, Message: MsgCDCRequis(l.Financement)})
				tableOK = false
			}
		}
	}

	f := ps.fields(ObjConvention)
	today := env.today()
	annee := f.integer("annee_fin_conventionnement", in.AnneeFinConventionnement, true, MsgAnneeFin)
	if annee != nil {
		y := *annee
		switch {
		case y < 1977:
			f.add("annee_fin_conventionnement", MsgAnneeFinMin(1977))
		case y > today.Year+500:
			f.add("annee_fin_conventionnement", MsgAnneeFinMax(today.Year+500))
		case tableOK && len(p.rows) > 0:
			min, max := endYearBounds(c, p.rows, today)
			if min != 0 && y < min {
				f.add("annee_fin_conventionnement", MsgAnneeFinMin(min))
			}
			if max != 0 && y > max {
				f.add("annee_fin_conventionnement", MsgAnneeFinMax(max))
			}
		}
		// The term ends on 31 December for foyers and résidences, on
		// 30 June otherwise.
		if p.foyerRes {
			p.dateFin = NewDate(y, time.December, 31)
		} else {
			p.dateFin = NewDate(y, time.June, 30)
		}
	}
	if p.foyerRes {
		p.historique = f.text("historique_financement_public", in.HistoriqueFinancementPublic, false, "", 5000)
	} else if s := strings.TrimSpace(in.FondPropre); s == "" {
		p.fondPropre = nil
	} else if d, err := fr.ParseDecimal(s); err != nil {
		f.add("fond_propre", fmt.Sprintf("%s : « %s » n'est pas un nombre ; saisissez par exemple 1 234,56", f.label("fond_propre"), s))
	} else {
		v, _ := d.Float64()
		p.fondPropre = &v
	}
	return p, ps
}

func hasProblem(ps Problems, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

// endYearBounds are the bounds of annee_fin_conventionnement given the
// prêts (workflows §3.7, data-model §20.7), 0 when there is none. The
// reference day is today, or the parent's signature date for an avenant.
func endYearBounds(c *Content, prets []pretRow, today Date) (min, max int) {
	ref := today
	if c.Convention.IsAvenant() && !c.ParentSigneeLe.IsZero() {
		ref = c.ParentSigneeLe
	}
	late := 0
	if ref.Month > time.June {
		late = 1
	}
	p := c.Programme
	single := ""
	if len(c.Lots) == 1 {
		single = c.Lots[0].Financement
	}
	switch {
	case c.IsMixte():
		return cdcEndYear(p, prets), 0
	case p.IsOutreMer():
		min = ref.Year + 9
		if !p.IsSansTravaux() {
			for _, r := range prets {
				if !r.DateOctroi.IsZero() && r.Duree != nil {
					if e := r.DateOctroi.AddYears(*r.Duree).Year; e > min {
						min = e
					}
				}
			}
		}
		return min, 0
	case IsPLSLike(single):
		min = ref.Year + 15 + late
		if !p.IsFoyerOrResidence() && !c.Convention.IsAvenant() {
			max = ref.Year + 40 + late
		}
		return min, max
	case p.IsSansTravaux():
		return ref.Year + 9 + late, 0
	}
	return cdcEndYear(p, prets), 0
}

// cdcEndYear is the minimum end year given by the CDC prêt ending last:
// its end year, at least its grant year + 9, +1 when it ends after June
// (not for foyers and résidences, whose term ends on 31 December); 0
// without a CDC prêt with a date and a duration.
func cdcEndYear(p Programme, prets []pretRow) int {
	var last *pretRow
	var end Date
	for i, r := range prets {
		if !IsCDC(r.Preteur) || r.DateOctroi.IsZero() || r.Duree == nil || *r.Duree == 0 {
			continue
		}
		if e := r.DateOctroi.AddYears(*r.Duree); last == nil || end.Before(e) {
			last, end = &prets[i], e
		}
	}
	if last == nil {
		return 0
	}
	y := end.Year
	if y-last.DateOctroi.Year < 9 {
		y = last.DateOctroi.Year + 9
	}
	if !p.IsFoyerOrResidence() && end.Month > time.June {
		y++
	}
	return y
}

// lotOfRow resolves the financement posted with a row to one of the
// convention's lots (nil, with a problem, when there is none).
func lotOfRow(rc checker, c *Content, financement, missingMsg string) *Lot {
	f := strings.TrimSpace(financement)
	if f == "" {
		rc.missing("financement", missingMsg)
		return nil
	}
	if l := c.LotOf(f); l != nil {
		return l
	}
	// Spreadsheets may carry the label.
	if code, ok := Financements.CodeOf(f); ok {
		if l := c.LotOf(code); l != nil {
			return l
		}
	}
	rc.add("financement", MsgLotInconnu(f))
	return nil
}

func (p *financementPlan) changes() []change {
	cv, cu := p.c.Convention, p.c.Convention.UUID
	var d diff
	field := func(changed bool, name string) {
		d.add(changed, describe(ObjConvention, name), FieldKey(ObjConvention, name, cu))
	}
	// The end year is commented as annee_fin_conventionnement (step) or
	// date_fin_conventionnement (récapitulatif).
	d.add(cv.DateFinConventionnement != p.dateFin, describe(ObjConvention, "annee_fin_conventionnement"),
		FieldKey(ObjConvention, "annee_fin_conventionnement", cu), FieldKey(ObjConvention, "date_fin_conventionnement", cu))
	field(!floatEq(cv.FondPropre, p.fondPropre), "fond_propre")
	field(cv.HistoriqueFinancementPublic != p.historique, "historique_financement_public")
	stored := map[uuid.UUID]pretRow{}
	for i := range p.c.Lots {
		for _, x := range p.c.Lots[i].Prets {
			stored[x.UUID] = pretRow{x, &p.c.Lots[i]}
		}
	}
	for _, r := range p.rows {
		if r.lot == nil {
			continue
		}
		table := TableKey(ObjPret, r.lot.UUID)
		old, ok := stored[r.UUID]
		if r.ID == 0 || !ok {
			d.add(true, "Nouvelle ligne du "+lower(ObjectLabel(ObjPret)), table)
			continue
		}
		changed := old.lot != r.lot || old.Preteur != r.Preteur || old.Autre != r.Autre || old.DateOctroi != r.DateOctroi ||
			old.Numero != r.Numero || !intEq(old.Duree, r.Duree) || !old.Montant.Equal(r.Montant)
		d.add(changed, rowLabel(ObjPret, pretName(r.Pret)), table, TableKey(ObjPret, old.lot.UUID), RowKey(ObjPret, r.UUID))
	}
	for _, r := range p.deleted {
		d.add(true, "Suppression de la "+lower(rowLabel(ObjPret, pretName(r.Pret))), TableKey(ObjPret, r.lot.UUID), RowKey(ObjPret, r.UUID))
	}
	return d
}

func pretName(x Pret) string {
	if x.Numero != "" {
		return x.Numero
	}
	return PreteurNom(x.Preteur, x.Autre)
}

func (p *financementPlan) write(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET date_fin_conventionnement = $2, fond_propre = $3,
		historique_financement_public = $4 WHERE id = $1`,
		p.c.Convention.ID, p.dateFin, p.fondPropre, nullText(p.historique)); err != nil {
		return err
	}
	if err := deleteRows(ctx, tx, "conventions_pret", p.deleted, func(r pretRow) int64 { return r.ID }); err != nil {
		return err
	}
	for _, r := range p.rows {
		var err error
		if r.ID == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO conventions_pret (lot_id, preteur, autre, date_octroi, numero, duree, montant)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.lot.ID, r.Preteur, nullText(r.Autre), r.DateOctroi, nullText(r.Numero), r.Duree, r.Montant.String())
		} else {
			_, err = tx.Exec(ctx, `UPDATE conventions_pret SET lot_id = $2, preteur = $3, autre = $4, date_octroi = $5, numero = $6,
				duree = $7, montant = $8 WHERE id = $1`, r.ID, r.lot.ID, r.Preteur, nullText(r.Autre), r.DateOctroi, nullText(r.Numero), r.Duree, r.Montant.String())
		}
		if err != nil {
			return err
		}
	}
	return nil
}
