package programme

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

// LogementsInput is the Logements step of logements ordinaires
// (workflows §3.8): the per-lot block and the logement tables. A
// convention posts only the table "surface utile avec loyers" (the rows
// of the other kinds stay as stored); an avenant posts the four tables,
// and a table posted empty removes its logements.
type LogementsInput struct {
	Lots   []LotInput
	Tables [4][]LogementInput // by Kind
}

// LotInput is the per-lot block of the Logements steps, matched to a lot
// by UUID. SurfaceHabitableTotale belongs to foyers and résidences.
type LotInput struct {
	UUID                                string
	NbLogements                         string
	LgtsMixiteSocialeNegocies           string
	LoyerDerogatoire                    string
	SurfaceLocauxCollectifsResidentiels string
	LoyerAssociationsFoncieres          string
	SurfaceHabitableTotale              string
}

// LogementInput is one logement row. Financement chooses the lot; the
// columns a table does not have are ignored.
type LogementInput struct {
	UUID                  string
	Designation           string
	Typologie             string
	Financement           string
	SurfaceHabitable      string
	SurfaceAnnexes        string
	SurfaceAnnexesRetenue string
	SurfaceUtile          string
	SurfaceCorrigee       string
	LoyerParMetreCarre    string
	Coeficient            string
	Loyer                 string
}

// Step is StepLogements.
func (LogementsInput) Step() Step { return StepLogements }

// LogementsInputOf is the form filled with the stored values.
func LogementsInputOf(c *Content) LogementsInput {
	var in LogementsInput
	in.Lots = lotInputsOf(c)
	for _, k := range Kinds {
		for _, lg := range c.Logements(k) {
			in.Tables[k] = append(in.Tables[k], logementInputOf(lg))
		}
	}
	return in
}

func lotInputsOf(c *Content) []LotInput {
	out := make([]LotInput, len(c.Lots))
	for i, l := range c.Lots {
		out[i] = LotInput{UUID: l.UUID.String(), NbLogements: itoa(l.NbLogements),
			LgtsMixiteSocialeNegocies: strconv.Itoa(l.LgtsMixiteSocialeNegocies), LoyerDerogatoire: decString(l.LoyerDerogatoire),
			SurfaceLocauxCollectifsResidentiels: l.SurfaceLocauxCollectifsResidentiel.String(),
			LoyerAssociationsFoncieres:          decString(l.LoyerAssociationsFoncieres), SurfaceHabitableTotale: decString(l.SurfaceHabitableTotale)}
	}
	return out
}

func logementInputOf(lg LogementOfLot) LogementInput {
	return LogementInput{UUID: lg.UUID.String(), Designation: lg.Designation, Typologie: lg.Typologie, Financement: lg.Financement,
		SurfaceHabitable: decString(lg.SurfaceHabitable), SurfaceAnnexes: decString(lg.SurfaceAnnexes),
		SurfaceAnnexesRetenue: decString(lg.SurfaceAnnexesRetenue), SurfaceUtile: decString(lg.SurfaceUtile),
		SurfaceCorrigee: decString(lg.SurfaceCorrigee), LoyerParMetreCarre: decString(lg.LoyerParMetreCarre),
		Coeficient: decString(lg.Coeficient), Loyer: decString(lg.Loyer)}
}

func decString(d decimal.NullDecimal) string {
	if !d.Valid {
		return ""
	}
	return d.Decimal.String()
}

// Messages of the Logements steps.
const (
	MsgNbLogements          = "Le nombre de logements est obligatoire"
	MsgDesignationsUniques  = "Les designations de logement doivent être uniques"
	MsgPasDansEDD           = "Ce logement n'est pas dans l'EDD simplifié"
	MsgPlusieursFoisDansEDD = "Ce logement est présent plusieurs fois dans l'EDD simplifié"
	MsgLotInconnuUUID       = "Ce lot n'appartient pas à la convention : rechargez la page et recommencez"
)

// MsgLoyer is the loyer rule of a row: the expected loyer, 1 € of
// tolerance.
func MsgLoyer(corrigee bool, expected decimal.Decimal) string {
	surface := "surface utile"
	if corrigee {
		surface = "surface corrigée"
	}
	return fmt.Sprintf("Le loyer doit être le produit de la %s, du loyer par mètre carré et du coefficient, soit %s, avec une tolérance de 1 €",
		surface, money(expected))
}

// MsgMemeLoyerM2 is the rule of one loyer par m² per financement.
func MsgMemeLoyerM2(financement string) string {
	return "Le loyer par mètre carré doit être le même pour tous les logements du lot " + FinancementLabel(financement)
}

// MsgFinancementEDD refuses a logement whose EDD financement is not one
// of the convention's.
func MsgFinancementEDD(financement string) string {
	return fmt.Sprintf("Le financement de ce logement dans l'EDD simplifié (%s) n'est pas un financement de la convention", FinancementLabel(financement))
}

// MsgCoefficients is the rule of the coefficients of a lot.
func MsgCoefficients(financement string, avec, sans decimal.Decimal, n int) string {
	return fmt.Sprintf("La somme des loyers calculés avec les coefficients (%s) ne peut dépasser la somme des loyers calculés sans coefficient (%s) "+
		"de plus de %d € (1 € par logement à conventionner) pour le financement %s", money(avec), money(sans), n, FinancementLabel(financement))
}

// MsgNbLogementsDeclares is the optional problem of a lot whose declared
// number of logements differs from its rows.
func MsgNbLogementsDeclares(declared, rows int) string {
	return fmt.Sprintf("Le nombre de logement à conventionner (%d) ne correspond pas au nombre de logements déclaré (%d)", declared, rows)
}

// lotValues are the checked values of a lot block.
type lotValues struct {
	lot                                 *Lot
	index                               int // in the posted blocks
	nb                                  *int
	mixite                              int
	derogatoire, associations, shTotale decimal.NullDecimal
	locauxResidentiels                  decimal.Decimal
}

// checkLots checks the posted lot blocks; lots not posted keep their
// values.
func checkLots(ps *Problems, c *Content, in []LotInput, foyerResidence bool) []lotValues {
	var out []lotValues
	seen := map[*Lot]bool{}
	for i, li := range in {
		rc := ps.at(TableLots, i)
		lot := lotByUUID(c, li.UUID)
		if lot == nil || seen[lot] {
			rc.add("", MsgLotInconnuUUID)
			continue
		}
		seen[lot] = true
		v := lotValues{lot: lot, index: i}
		v.nb = rc.integer("nb_logements", li.NbLogements, true, MsgNbLogements)
		if n := rc.integer("lgts_mixite_sociale_negocies", li.LgtsMixiteSocialeNegocies, false, ""); n != nil {
			v.mixite = *n
		}
		v.derogatoire = rc.decimal("loyer_derogatoire", li.LoyerDerogatoire, false, "", 2, limit6)
		v.associations = rc.decimal("loyer_associations_foncieres", li.LoyerAssociationsFoncieres, false, "", 2, limit6)
		if d := rc.decimal("surface_locaux_collectifs_residentiels", li.SurfaceLocauxCollectifsResidentiels, false, "", 2, limit9); d.Valid {
			v.locauxResidentiels = d.Decimal
		}
		v.shTotale = lot.SurfaceHabitableTotale
		if foyerResidence {
			v.shTotale = rc.decimal("surface_habitable_totale", li.SurfaceHabitableTotale, false, "", 2, limit7)
		}
		out = append(out, v)
	}
	return out
}

// declared is the number of logements declared for a lot: posted, else
// stored.
func declared(lots []lotValues, l *Lot) (n int, index int, ok bool) {
	for _, v := range lots {
		if v.lot == l {
			if v.nb == nil {
				return 0, v.index, false
			}
			return *v.nb, v.index, true
		}
	}
	if l.NbLogements == nil {
		return 0, -1, false
	}
	return *l.NbLogements, -1, true
}

func lotChanges(d *diff, lots []lotValues, foyerResidence bool) {
	for _, v := range lots {
		l := v.lot
		field := func(changed bool, name string) {
			d.add(changed, describe(ObjLot, name)+" ("+FinancementLabel(l.Financement)+")", FieldKey(ObjLot, name, l.UUID))
		}
		field(!intEq(l.NbLogements, v.nb), "nb_logements")
		field(l.LgtsMixiteSocialeNegocies != v.mixite, "lgts_mixite_sociale_negocies")
		field(!decEq(l.LoyerDerogatoire, v.derogatoire), "loyer_derogatoire")
		field(!decEq(l.LoyerAssociationsFoncieres, v.associations), "loyer_associations_foncieres")
		field(!l.SurfaceLocauxCollectifsResidentiel.Equal(v.locauxResidentiels), "surface_locaux_collectifs_residentiels")
		if foyerResidence {
			field(!decEq(l.SurfaceHabitableTotale, v.shTotale), "surface_habitable_totale")
		}
	}
}

func writeLots(ctx context.Context, tx pgx.Tx, lots []lotValues) error {
	for _, v := range lots {
		if _, err := tx.Exec(ctx, `UPDATE programmes_lot SET nb_logements = $2, lgts_mixite_sociale_negocies = $3,
			loyer_derogatoire = $4, loyer_associations_foncieres = $5, surface_locaux_collectifs_residentiels = $6,
			surface_habitable_totale = $7 WHERE id = $1`,
			v.lot.ID, v.nb, v.mixite, nullDec(v.derogatoire), nullDec(v.associations), v.locauxResidentiels.String(),
			nullDec(v.shTotale)); err != nil {
			return err
		}
	}
	return nil
}

type logementsPlan struct {
	c       *Content
	lots    []lotValues
	rows    []logementRow
	deleted []*storedLogement
}

func (in LogementsInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	p := &logementsPlan{c: c}
	p.lots = checkLots(&ps, c, in.Lots, false)
	avenant := c.Convention.IsAvenant()
	kinds := Kinds
	if !avenant {
		kinds = []Kind{KindAvecLoyer}
	}
	stored := storedLogements(c)
	seen := map[uuid.UUID]bool{}
	byDesignation := map[string][]*logementRow{}
	var designations []string
	for _, k := range kinds {
		start := len(p.rows)
		for i, r := range in.Tables[k] {
			rc := ps.at(k.Table(), i)
			row := logementRow{kind: k, index: i}
			if id, ok := rowUUID(rc, r.UUID, stored, seen); ok {
				row.old = stored[id]
				row.ID, row.UUID = row.old.ID, row.old.UUID
			}
			row.lot = lotOfRow(rc, c, r.Financement, MsgFinancementRequis)
			row.Designation = rc.text("designation", r.Designation, true, "", 255)
			row.Typologie = rc.choice("typologie", r.Typologie, TypologiesLogement, true, "")
			row.SurfaceHabitable = rc.decimal("surface_habitable", r.SurfaceHabitable, true, "", 2, limit6)
			if k.Corrigee() {
				row.SurfaceCorrigee = rc.decimal("surface_corrigee", r.SurfaceCorrigee, true, "", 2, limit6)
			} else {
				row.SurfaceAnnexes = rc.decimal("surface_annexes", r.SurfaceAnnexes, true, "", 2, limit6)
				row.SurfaceAnnexesRetenue = rc.decimal("surface_annexes_retenue", r.SurfaceAnnexesRetenue, true, "", 2, limit6)
				row.SurfaceUtile = rc.decimal("surface_utile", r.SurfaceUtile, true, "", 2, limit6)
			}
			if k.AvecLoyer() {
				row.LoyerParMetreCarre = rc.decimal("loyer_par_metre_carre", r.LoyerParMetreCarre, true, "", 2, limit6)
				row.Coeficient = rc.decimal("coeficient", r.Coeficient, true, "", 4, limitC)
				row.Loyer = rc.decimal("loyer", r.Loyer, true, "", 2, limit6)
				checkLoyer(rc, &row)
			}
			p.rows = append(p.rows, row)
		}
		table := p.rows[start:]
		numberInLots(table)
		for i := range table {
			des := table[i].Designation
			if byDesignation[des] == nil {
				designations = append(designations, des)
			}
			byDesignation[des] = append(byDesignation[des], &table[i])
		}
		if k.AvecLoyer() {
			sameLoyerM2(&ps, k, table)
		}
		if k == KindAvecLoyer {
			checkCoefficients(&ps, c, p.lots, table)
		}
	}
	for _, des := range designations {
		rows := byDesignation[des]
		if des == "" {
			continue
		}
		if len(rows) > 1 {
			for _, r := range rows {
				ps.at(r.kind.Table(), r.index).add("designation", MsgDesignationsUniques)
			}
		}
		if len(c.EDD) > 0 {
			for _, r := range rows {
				checkEDD(ps.at(r.kind.Table(), r.index), c, des)
			}
		}
	}
	for _, o := range storedList(c, stored) {
		if !seen[o.UUID] && (avenant || o.Kind() == KindAvecLoyer) {
			p.deleted = append(p.deleted, o)
		}
	}
	// Optional: the declared number of logements of each financement of
	// the first table matches its rows (avenant pages skip it).
	if !avenant {
		counts := map[*Lot]int{}
		for _, r := range p.rows {
			counts[r.lot]++
		}
		for _, o := range stored {
			if o.Kind() != KindAvecLoyer {
				counts[o.lot]++
			}
		}
		for i := range c.Lots {
			l := &c.Lots[i]
			inFirst := false
			for _, r := range p.rows {
				inFirst = inFirst || r.lot == l
			}
			if n, idx, ok := declared(p.lots, l); inFirst && ok && n != counts[l] {
				ps = append(ps, Problem{Table: TableLots, Row: idx, Field: "nb_logements", Message: MsgNbLogementsDeclares(n, counts[l]), Optional: true})
			}
		}
	}
	return p, ps
}

// numberInLots sets import_order: the position of each row among the
// rows of its lot in the table.
func numberInLots(rows []logementRow) {
	n := map[*Lot]int{}
	for i := range rows {
		rows[i].order = n[rows[i].lot]
		n[rows[i].lot]++
	}
}

// checkLoyer: |loyer − surface × loyer/m² × coefficient| ≤ 1 €, each
// side rounded to the cent.
func checkLoyer(rc checker, r *logementRow) {
	surface := r.SurfaceUtile
	if r.kind.Corrigee() {
		surface = r.SurfaceCorrigee
	}
	if !surface.Valid || !r.LoyerParMetreCarre.Valid || !r.Coeficient.Valid || !r.Loyer.Valid {
		return
	}
	expected := surface.Decimal.Mul(r.LoyerParMetreCarre.Decimal).Mul(r.Coeficient.Decimal).Round(2)
	if r.Loyer.Decimal.Round(2).Sub(expected).Abs().GreaterThan(decimal.NewFromInt(1)) {
		rc.add("loyer", MsgLoyer(r.kind.Corrigee(), expected))
	}
}

// sameLoyerM2: one loyer par m² per financement within a table.
func sameLoyerM2(ps *Problems, k Kind, rows []logementRow) {
	byLot := map[*Lot][]*logementRow{}
	for i := range rows {
		if rows[i].lot != nil && rows[i].LoyerParMetreCarre.Valid {
			byLot[rows[i].lot] = append(byLot[rows[i].lot], &rows[i])
		}
	}
	for _, r := range rows {
		l := r.lot
		rs := byLot[l]
		delete(byLot, l)
		if len(rs) == 0 {
			continue
		}
		for _, r := range rs[1:] {
			if !r.LoyerParMetreCarre.Decimal.Equal(rs[0].LoyerParMetreCarre.Decimal) {
				for _, x := range rs {
					ps.at(k.Table(), x.index).add("loyer_par_metre_carre", MsgMemeLoyerM2(l.Financement))
				}
				break
			}
		}
	}
}

// checkCoefficients: Σ(coef × SU × loyer/m²) ≤ Σ(SU × loyer/m²) + N per
// financement, N the declared number of logements (1 € per logement).
func checkCoefficients(ps *Problems, c *Content, lots []lotValues, rows []logementRow) {
	type sums struct{ avec, sans decimal.Decimal }
	by := map[*Lot]*sums{}
	for _, r := range rows {
		if r.lot == nil || !r.SurfaceUtile.Valid || !r.LoyerParMetreCarre.Valid || !r.Coeficient.Valid {
			continue
		}
		s := by[r.lot]
		if s == nil {
			s = &sums{}
			by[r.lot] = s
		}
		base := r.SurfaceUtile.Decimal.Mul(r.LoyerParMetreCarre.Decimal)
		s.sans = s.sans.Add(base)
		s.avec = s.avec.Add(base.Mul(r.Coeficient.Decimal))
	}
	for i := range c.Lots {
		l := &c.Lots[i]
		s := by[l]
		if s == nil {
			continue
		}
		n, _, _ := declared(lots, l)
		avec, sans := s.avec.Round(2), s.sans.Round(2)
		if avec.GreaterThan(sans.Add(decimal.NewFromInt(int64(n)))) {
			*ps = append(*ps, Problem{Table: TableAvecLoyer, Row: -1, Message: MsgCoefficients(l.Financement, avec, sans, n)})
		}
	}
}

// checkEDD: a designation is in the EDD simplifié exactly once, under a
// financement of the convention.
func checkEDD(rc checker, c *Content, designation string) {
	var found []LogementEDD
	for _, e := range c.EDD {
		if strings.TrimSpace(e.Designation) == designation {
			found = append(found, e)
		}
	}
	switch {
	case len(found) == 0:
		rc.add("designation", MsgPasDansEDD)
	case len(found) > 1:
		rc.add("designation", MsgPlusieursFoisDansEDD)
	case c.LotOf(found[0].Financement) == nil:
		rc.add("designation", MsgFinancementEDD(found[0].Financement))
	}
}

func (p *logementsPlan) changes() []change {
	var d diff
	lotChanges(&d, p.lots, false)
	logementChanges(&d, p.rows, p.deleted)
	return d
}

func (p *logementsPlan) write(ctx context.Context, tx pgx.Tx) error {
	if err := writeLots(ctx, tx, p.lots); err != nil {
		return err
	}
	return syncLogements(ctx, tx, p.rows, p.deleted)
}
