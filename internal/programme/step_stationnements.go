package programme

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// StationnementsInput is the Stationnements step (workflows §3.11).
type StationnementsInput struct {
	Rows []StationnementInput
}

// StationnementInput is one row; Financement chooses the lot.
type StationnementInput struct {
	UUID             string
	Typologie        string
	Financement      string
	NbStationnements string
	Loyer            string
}

// Step is StepStationnements.
func (StationnementsInput) Step() Step { return StepStationnements }

// StationnementsInputOf is the form filled with the stored values.
func StationnementsInputOf(c *Content) StationnementsInput {
	var in StationnementsInput
	for _, l := range c.Lots {
		for _, x := range l.Stationnements {
			in.Rows = append(in.Rows, StationnementInput{UUID: x.UUID.String(), Typologie: x.Typologie, Financement: l.Financement,
				NbStationnements: itoa(&x.NbStationnements), Loyer: x.Loyer.String()})
		}
	}
	return in
}

type lotRow[T any] struct {
	row T
	lot *Lot
}

// storedRows lists the stored rows of every lot (rows picks them), in
// order, and indexes them by uuid.
func storedRows[T any](c *Content, rows func(*Lot) []T, id func(T) uuid.UUID) (map[uuid.UUID]lotRow[T], []lotRow[T]) {
	old := map[uuid.UUID]lotRow[T]{}
	var order []lotRow[T]
	for i := range c.Lots {
		for _, x := range rows(&c.Lots[i]) {
			r := lotRow[T]{x, &c.Lots[i]}
			old[id(x)] = r
			order = append(order, r)
		}
	}
	return old, order
}

type stationnementsPlan struct {
	c       *Content
	rows    []lotRow[Stationnement]
	old     map[uuid.UUID]lotRow[Stationnement]
	deleted []lotRow[Stationnement]
}

func (in StationnementsInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	p := &stationnementsPlan{c: c}
	var order []lotRow[Stationnement]
	p.old, order = storedRows(c, func(l *Lot) []Stationnement { return l.Stationnements }, func(x Stationnement) uuid.UUID { return x.UUID })
	seen := map[uuid.UUID]bool{}
	for i, r := range in.Rows {
		rc := ps.at(TableStationnements, i)
		var row lotRow[Stationnement]
		if id, ok := rowUUID(rc, r.UUID, p.old, seen); ok {
			row.row = p.old[id].row
		}
		row.row.Typologie = rc.choice("typologie", r.Typologie, TypologiesStationnement, true, "")
		row.lot = lotOfRow(rc, c, r.Financement, MsgFinancementRequis)
		if n := rc.integer("nb_stationnements", r.NbStationnements, true, ""); n != nil {
			row.row.NbStationnements = *n
		}
		row.row.Loyer = rc.decimal("loyer", r.Loyer, true, "", 2, limit6).Decimal
		p.rows = append(p.rows, row)
	}
	for _, r := range order {
		if !seen[r.row.UUID] {
			p.deleted = append(p.deleted, r)
		}
	}
	return p, ps
}

func (p *stationnementsPlan) changes() []change {
	var d diff
	for _, r := range p.rows {
		table := TableKey(ObjStationnement, r.lot.UUID)
		old, ok := p.old[r.row.UUID]
		if r.row.ID == 0 || !ok {
			d.add(true, "Nouvelle ligne du "+lower(ObjectLabel(ObjStationnement)), table)
			continue
		}
		changed := old.lot != r.lot || old.row.Typologie != r.row.Typologie || old.row.NbStationnements != r.row.NbStationnements ||
			!old.row.Loyer.Equal(r.row.Loyer)
		d.add(changed, rowLabel(ObjStationnement, TypologiesStationnement.Label(r.row.Typologie)), table,
			TableKey(ObjStationnement, old.lot.UUID), RowKey(ObjStationnement, r.row.UUID))
	}
	for _, r := range p.deleted {
		d.add(true, "Suppression de la "+lower(rowLabel(ObjStationnement, TypologiesStationnement.Label(r.row.Typologie))),
			TableKey(ObjStationnement, r.lot.UUID), RowKey(ObjStationnement, r.row.UUID))
	}
	return d
}

func (p *stationnementsPlan) write(ctx context.Context, tx pgx.Tx) error {
	if err := deleteRows(ctx, tx, "programmes_typestationnement", p.deleted, func(r lotRow[Stationnement]) int64 { return r.row.ID }); err != nil {
		return err
	}
	for _, r := range p.rows {
		var err error
		x := r.row
		if x.ID == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO programmes_typestationnement (lot_id, typologie, nb_stationnements, loyer)
				VALUES ($1, $2, $3, $4)`, r.lot.ID, x.Typologie, x.NbStationnements, x.Loyer.String())
		} else {
			_, err = tx.Exec(ctx, `UPDATE programmes_typestationnement SET lot_id = $2, typologie = $3, nb_stationnements = $4, loyer = $5
				WHERE id = $1`, x.ID, r.lot.ID, x.Typologie, x.NbStationnements, x.Loyer.String())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// CollectifInput is the Collectif step of foyers and résidences
// (workflows §3.12): the lot fields and the locaux collectifs (a row
// without financement goes to the first lot).
type CollectifInput struct {
	Lots []CollectifLotInput
	Rows []LocalCollectifInput
}

// CollectifLotInput are the fields of one lot.
type CollectifLotInput struct {
	UUID                               string
	FoyerResidenceNbGarageParking      string
	FoyerResidenceDependance           string
	FoyerResidenceLocauxHorsConvention string
}

// LocalCollectifInput is one row of locaux collectifs.
type LocalCollectifInput struct {
	UUID             string
	Financement      string
	TypeLocal        string
	SurfaceHabitable string
	Nombre           string
}

// Step is StepCollectif.
func (CollectifInput) Step() Step { return StepCollectif }

// CollectifInputOf is the form filled with the stored values.
func CollectifInputOf(c *Content) CollectifInput {
	var in CollectifInput
	for _, l := range c.Lots {
		in.Lots = append(in.Lots, CollectifLotInput{UUID: l.UUID.String(), FoyerResidenceNbGarageParking: itoa(l.FoyerResidenceNbGarageParking),
			FoyerResidenceDependance: l.FoyerResidenceDependance, FoyerResidenceLocauxHorsConvention: l.FoyerResidenceLocauxHorsConvention})
		for _, x := range l.LocauxCollectifs {
			in.Rows = append(in.Rows, LocalCollectifInput{UUID: x.UUID.String(), Financement: l.Financement, TypeLocal: x.TypeLocal,
				SurfaceHabitable: x.SurfaceHabitable.String(), Nombre: itoa(&x.Nombre)})
		}
	}
	return in
}

type collectifLot struct {
	lot                  *Lot
	garages              *int
	dependance, horsConv string
}

type collectifPlan struct {
	c       *Content
	lots    []collectifLot
	rows    []lotRow[LocalCollectif]
	old     map[uuid.UUID]lotRow[LocalCollectif]
	deleted []lotRow[LocalCollectif]
}

func (in CollectifInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	p := &collectifPlan{c: c}
	seenLot := map[*Lot]bool{}
	for i, li := range in.Lots {
		rc := ps.at(TableLots, i)
		lot := lotByUUID(c, li.UUID)
		if lot == nil || seenLot[lot] {
			rc.add("", MsgLotInconnuUUID)
			continue
		}
		seenLot[lot] = true
		p.lots = append(p.lots, collectifLot{lot: lot,
			garages:    rc.integer("foyer_residence_nb_garage_parking", li.FoyerResidenceNbGarageParking, false, ""),
			dependance: rc.text("foyer_residence_dependance", li.FoyerResidenceDependance, false, "", 5000),
			horsConv:   rc.text("foyer_residence_locaux_hors_convention", li.FoyerResidenceLocauxHorsConvention, false, "", 5000)})
	}
	var order []lotRow[LocalCollectif]
	p.old, order = storedRows(c, func(l *Lot) []LocalCollectif { return l.LocauxCollectifs }, func(x LocalCollectif) uuid.UUID { return x.UUID })
	seen := map[uuid.UUID]bool{}
	for i, r := range in.Rows {
		rc := ps.at(TableLocauxCollectifs, i)
		var row lotRow[LocalCollectif]
		if id, ok := rowUUID(rc, r.UUID, p.old, seen); ok {
			row.row = p.old[id].row
		}
		if r.Financement == "" && len(c.Lots) > 0 {
			row.lot = &c.Lots[0]
		} else {
			row.lot = lotOfRow(rc, c, r.Financement, MsgFinancementRequis)
		}
		row.row.TypeLocal = rc.text("type_local", r.TypeLocal, true, "", 255)
		row.row.SurfaceHabitable = rc.decimal("surface_habitable", r.SurfaceHabitable, true, "", 2, limit6).Decimal
		if n := rc.integer("nombre", r.Nombre, true, ""); n != nil {
			row.row.Nombre = *n
		}
		p.rows = append(p.rows, row)
	}
	for _, r := range order {
		if !seen[r.row.UUID] {
			p.deleted = append(p.deleted, r)
		}
	}
	return p, ps
}

func lotByUUID(c *Content, s string) *Lot {
	id, err := uuid.Parse(s)
	if err != nil {
		return nil
	}
	for i := range c.Lots {
		if c.Lots[i].UUID == id {
			return &c.Lots[i]
		}
	}
	return nil
}

func (p *collectifPlan) changes() []change {
	var d diff
	for _, v := range p.lots {
		l := v.lot
		field := func(changed bool, name string) {
			d.add(changed, describe(ObjLot, name), FieldKey(ObjLot, name, l.UUID))
		}
		field(!intEq(l.FoyerResidenceNbGarageParking, v.garages), "foyer_residence_nb_garage_parking")
		field(l.FoyerResidenceDependance != v.dependance, "foyer_residence_dependance")
		field(l.FoyerResidenceLocauxHorsConvention != v.horsConv, "foyer_residence_locaux_hors_convention")
	}
	for _, r := range p.rows {
		table := TableKey(ObjLocauxCollectifs, r.lot.UUID)
		old, ok := p.old[r.row.UUID]
		if r.row.ID == 0 || !ok {
			d.add(true, "Nouvelle ligne du "+lower(ObjectLabel(ObjLocauxCollectifs)), table)
			continue
		}
		changed := old.lot != r.lot || old.row.TypeLocal != r.row.TypeLocal ||
			!old.row.SurfaceHabitable.Equal(r.row.SurfaceHabitable) || old.row.Nombre != r.row.Nombre
		d.add(changed, rowLabel(ObjLocauxCollectifs, r.row.TypeLocal), table, TableKey(ObjLocauxCollectifs, old.lot.UUID),
			RowKey(ObjLocauxCollectifs, r.row.UUID))
	}
	for _, r := range p.deleted {
		d.add(true, "Suppression de la "+lower(rowLabel(ObjLocauxCollectifs, r.row.TypeLocal)),
			TableKey(ObjLocauxCollectifs, r.lot.UUID), RowKey(ObjLocauxCollectifs, r.row.UUID))
	}
	return d
}

func (p *collectifPlan) write(ctx context.Context, tx pgx.Tx) error {
	for _, v := range p.lots {
		if _, err := tx.Exec(ctx, `UPDATE programmes_lot SET foyer_residence_nb_garage_parking = $2, foyer_residence_dependance = $3,
			foyer_residence_locaux_hors_convention = $4 WHERE id = $1`, v.lot.ID, v.garages, nullText(v.dependance), nullText(v.horsConv)); err != nil {
			return err
		}
	}
	if err := deleteRows(ctx, tx, "programmes_locauxcollectifs", p.deleted, func(r lotRow[LocalCollectif]) int64 { return r.row.ID }); err != nil {
		return err
	}
	for _, r := range p.rows {
		var err error
		x := r.row
		if x.ID == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO programmes_locauxcollectifs (lot_id, type_local, surface_habitable, nombre)
				VALUES ($1, $2, $3, $4)`, r.lot.ID, x.TypeLocal, x.SurfaceHabitable.String(), x.Nombre)
		} else {
			_, err = tx.Exec(ctx, `UPDATE programmes_locauxcollectifs SET lot_id = $2, type_local = $3, surface_habitable = $4, nombre = $5
				WHERE id = $1`, x.ID, r.lot.ID, x.TypeLocal, x.SurfaceHabitable.String(), x.Nombre)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
