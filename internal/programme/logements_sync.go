package programme

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

// logementRow is a checked logement row: the values to write, its lot,
// and the stored row it updates (nil for a new row).
type logementRow struct {
	Logement
	lot   *Lot
	kind  Kind // the table it was posted in
	index int  // its position in the posted table (for the problems)
	order int  // import_order: its position among the rows of its lot in that table
	old   *storedLogement
}

// storedLogement is a stored logement with its lot.
type storedLogement struct {
	Logement
	lot *Lot
}

// storedLogements indexes the convention's logements by uuid.
func storedLogements(c *Content) map[uuid.UUID]*storedLogement {
	m := map[uuid.UUID]*storedLogement{}
	for i := range c.Lots {
		for _, lg := range c.Lots[i].Logements {
			m[lg.UUID] = &storedLogement{lg, &c.Lots[i]}
		}
	}
	return m
}

// storedList is the stored logements in content order.
func storedList(c *Content, stored map[uuid.UUID]*storedLogement) []*storedLogement {
	var out []*storedLogement
	for _, l := range c.Lots {
		for _, lg := range l.Logements {
			out = append(out, stored[lg.UUID])
		}
	}
	return out
}

// same reports whether the row writes the stored values again.
func (r *logementRow) same() bool {
	o := r.old
	if o == nil {
		return false
	}
	return o.lot == r.lot && o.Designation == r.Designation && o.Typologie == r.Typologie &&
		decEq(o.SurfaceHabitable, r.SurfaceHabitable) && decEq(o.SurfaceCorrigee, r.SurfaceCorrigee) &&
		decEq(o.SurfaceAnnexes, r.SurfaceAnnexes) && decEq(o.SurfaceAnnexesRetenue, r.SurfaceAnnexesRetenue) &&
		decEq(o.SurfaceUtile, r.SurfaceUtile) && decEq(o.LoyerParMetreCarre, r.LoyerParMetreCarre) &&
		decEq(o.Coeficient, r.Coeficient) && decEq(o.Loyer, r.Loyer)
}

// logementChanges lists the editability changes of logement rows.
func logementChanges(d *diff, rows []logementRow, deleted []*storedLogement) {
	for i := range rows {
		r := &rows[i]
		obj := r.kind.Object()
		if r.old == nil {
			d.add(true, "Nouvelle ligne du "+lower(ObjectLabel(obj)), TableKey(obj, r.lot.UUID))
			continue
		}
		if r.same() {
			continue // a new position is no change of content
		}
		oldObj := r.old.Kind().Object()
		d.add(true, rowLabel(obj, r.Designation), TableKey(obj, r.lot.UUID), TableKey(oldObj, r.old.lot.UUID),
			RowKey(oldObj, r.UUID), RowKey(ObjLogement, r.UUID))
	}
	for _, o := range deleted {
		obj := o.Kind().Object()
		d.add(true, "Suppression de la "+lower(rowLabel(obj, o.Designation)), TableKey(obj, o.lot.UUID),
			RowKey(obj, o.UUID), RowKey(ObjLogement, o.UUID))
	}
}

// syncLogements writes the rows in three statements whatever their
// number: delete the absent rows, update the changed ones, insert the
// new ones.
func syncLogements(ctx context.Context, tx pgx.Tx, rows []logementRow, deleted []*storedLogement) error {
	if err := deleteRows(ctx, tx, "programmes_logement", deleted, func(o *storedLogement) int64 { return o.ID }); err != nil {
		return err
	}
	var upd, ins cols
	for i := range rows {
		r := &rows[i]
		switch {
		case r.old == nil:
			ins.add(r)
		case !r.same() || r.old.ImportOrder == nil || *r.old.ImportOrder != r.order:
			upd.add(r)
		}
	}
	if upd.n > 0 {
		if _, err := tx.Exec(ctx, `UPDATE programmes_logement l SET lot_id = v.lot_id, designation = v.designation,
			typologie = v.typologie, surface_habitable = v.sh::numeric, surface_corrigee = v.sc::numeric,
			surface_annexes = v.sa::numeric, surface_annexes_retenue = v.sar::numeric, surface_utile = v.su::numeric,
			loyer_par_metre_carre = v.lpmc::numeric, coeficient = v.coef::numeric, loyer = v.loyer::numeric, import_order = v.ord
			FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
			            $10::text[], $11::text[], $12::text[], $13::int4[])
			     AS v(id, lot_id, designation, typologie, sh, sc, sa, sar, su, lpmc, coef, loyer, ord)
			WHERE l.id = v.id`, upd.args()...); err != nil {
			return err
		}
	}
	if ins.n > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO programmes_logement (lot_id, designation, typologie, surface_habitable,
			surface_corrigee, surface_annexes, surface_annexes_retenue, surface_utile, loyer_par_metre_carre, coeficient, loyer, import_order)
			SELECT v.lot_id, v.designation, v.typologie, v.sh::numeric, v.sc::numeric, v.sa::numeric, v.sar::numeric, v.su::numeric,
			       v.lpmc::numeric, v.coef::numeric, v.loyer::numeric, v.ord
			FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
			            $10::text[], $11::text[], $12::text[], $13::int4[])
			     AS v(id, lot_id, designation, typologie, sh, sc, sa, sar, su, lpmc, coef, loyer, ord)`, ins.args()...); err != nil {
			return err
		}
	}
	return nil
}

// cols are the columns of logement rows as arrays.
type cols struct {
	n                                      int
	id, lot                                []int64
	designation, typologie                 []string
	sh, sc, sa, sar, su, lpmc, coef, loyer []*string
	ord                                    []int32
}

func decText(d decimal.NullDecimal) *string {
	if !d.Valid {
		return nil
	}
	s := d.Decimal.String()
	return &s
}

func (c *cols) add(r *logementRow) {
	c.n++
	c.id = append(c.id, r.ID)
	c.lot = append(c.lot, r.lot.ID)
	c.designation = append(c.designation, r.Designation)
	c.typologie = append(c.typologie, r.Typologie)
	c.sh = append(c.sh, decText(r.SurfaceHabitable))
	c.sc = append(c.sc, decText(r.SurfaceCorrigee))
	c.sa = append(c.sa, decText(r.SurfaceAnnexes))
	c.sar = append(c.sar, decText(r.SurfaceAnnexesRetenue))
	c.su = append(c.su, decText(r.SurfaceUtile))
	c.lpmc = append(c.lpmc, decText(r.LoyerParMetreCarre))
	c.coef = append(c.coef, decText(r.Coeficient))
	c.loyer = append(c.loyer, decText(r.Loyer))
	c.ord = append(c.ord, int32(r.order))
}

func (c *cols) args() []any {
	return []any{c.id, c.lot, c.designation, c.typologie, c.sh, c.sc, c.sa, c.sar, c.su, c.lpmc, c.coef, c.loyer, c.ord}
}
