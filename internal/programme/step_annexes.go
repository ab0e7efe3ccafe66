package programme

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

// AnnexesInput is the Annexes step (workflows §3.10): the eleven annexe
// booleans of each lot and the table of annexes, each attached to a
// logement of the convention by designation and financement.
type AnnexesInput struct {
	Lots []AnnexeOptionsInput
	Rows []AnnexeInput
}

// AnnexeOptionsInput are the booleans of one lot, by column
// (AnnexeOptions); a missing column is false.
type AnnexeOptionsInput struct {
	UUID    string
	Options map[string]bool
}

// AnnexeInput is one annexe row. LogementTypologie is shown and required
// but not stored (the logement has its typologie).
type AnnexeInput struct {
	UUID                      string
	Typologie                 string
	LogementDesignation       string
	LogementTypologie         string
	Financement               string
	SurfaceHorsSurfaceRetenue string
	LoyerParMetreCarre        string
	Loyer                     string
}

// Step is StepAnnexes.
func (AnnexesInput) Step() Step { return StepAnnexes }

// AnnexesInputOf is the form filled with the stored values.
func AnnexesInputOf(c *Content) AnnexesInput {
	var in AnnexesInput
	for _, l := range c.Lots {
		opts := map[string]bool{}
		for k, v := range l.Annexes {
			opts[k] = v
		}
		in.Lots = append(in.Lots, AnnexeOptionsInput{UUID: l.UUID.String(), Options: opts})
		for _, lg := range l.Logements {
			for _, a := range lg.Annexes {
				in.Rows = append(in.Rows, AnnexeInput{UUID: a.UUID.String(), Typologie: a.Typologie, LogementDesignation: lg.Designation,
					LogementTypologie: lg.Typologie, Financement: l.Financement, SurfaceHorsSurfaceRetenue: a.SurfaceHorsSurfaceRetenue.String(),
					LoyerParMetreCarre: a.LoyerParMetreCarre.String(), Loyer: a.Loyer.String()})
			}
		}
	}
	return in
}

// Messages of the Annexes step.
const (
	MsgLogementInconnu      = "Ce logement n'existe pas dans ce lot"
	MsgFinancementInconnuAp = "Vérifiez si le financement est pris en charge par Apilos ou s'il s'agit d'une erreur de saisie."
)

// MsgLoyerAnnexe is the rule of an annexe's loyer.
func MsgLoyerAnnexe(max decimal.Decimal) string {
	return fmt.Sprintf("Le loyer de l'annexe ne peut pas dépasser la surface multipliée par le loyer unitaire, soit %s, avec une tolérance de 0,10 €", money(max))
}

type annexeRow struct {
	Annexe
	logement *storedLogement
	old      *annexeStored
}

type annexeStored struct {
	Annexe
	logement *storedLogement
}

type annexesPlan struct {
	c       *Content
	options []struct {
		lot  *Lot
		opts map[string]bool
	}
	rows    []annexeRow
	deleted []*annexeStored
}

func (in AnnexesInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	p := &annexesPlan{c: c}
	seenLot := map[*Lot]bool{}
	for i, li := range in.Lots {
		lot := lotByUUID(c, li.UUID)
		if lot == nil || seenLot[lot] {
			ps.at(TableLots, i).add("", MsgLotInconnuUUID)
			continue
		}
		seenLot[lot] = true
		opts := map[string]bool{}
		for _, o := range AnnexeOptions {
			opts[o.Code] = li.Options[o.Code]
		}
		p.options = append(p.options, struct {
			lot  *Lot
			opts map[string]bool
		}{lot, opts})
	}

	logements := storedLogements(c)
	stored := map[uuid.UUID]*annexeStored{}
	var storedOrder []*annexeStored
	for _, l := range storedList(c, logements) {
		for _, a := range l.Annexes {
			s := &annexeStored{a, l}
			stored[a.UUID] = s
			storedOrder = append(storedOrder, s)
		}
	}
	seen := map[uuid.UUID]bool{}
	for i, r := range in.Rows {
		rc := ps.at(TableAnnexes, i)
		var row annexeRow
		if id, ok := rowUUID(rc, r.UUID, stored, seen); ok {
			row.old = stored[id]
			row.ID, row.UUID = row.old.ID, row.old.UUID
		}
		row.Typologie = rc.choice("typologie", r.Typologie, TypologiesAnnexe, true, "")
		fin := strings.TrimSpace(r.Financement)
		var lot *Lot
		if fin == "" {
			rc.missing("financement", "")
		} else if lot = c.LotOf(fin); lot == nil {
			if code, ok := Financements.CodeOf(fin); ok {
				lot = c.LotOf(code)
			}
			if lot == nil {
				rc.add("financement", MsgFinancementInconnuAp)
			}
		}
		des := rc.text("logement_designation", r.LogementDesignation, true, "", 255)
		rc.text("logement_typologie", r.LogementTypologie, true, "", 25)
		if lot != nil && des != "" {
			for _, lg := range logements {
				if lg.lot == lot && lg.Designation == des {
					row.logement = lg
				}
			}
			if row.logement == nil {
				rc.add("logement_designation", MsgLogementInconnu)
			}
		}
		surface := rc.decimal("surface_hors_surface_retenue", r.SurfaceHorsSurfaceRetenue, true, "", 2, limit6)
		lpmc := rc.decimal("loyer_par_metre_carre", r.LoyerParMetreCarre, true, "", 2, limit6)
		loyer := rc.decimal("loyer", r.Loyer, true, "", 2, limit6)
		row.SurfaceHorsSurfaceRetenue, row.LoyerParMetreCarre, row.Loyer = surface.Decimal, lpmc.Decimal, loyer.Decimal
		if surface.Valid && lpmc.Valid && loyer.Valid {
			max := surface.Decimal.Mul(lpmc.Decimal).Round(2)
			if loyer.Decimal.Round(2).GreaterThan(max.Add(decimal.New(10, -2))) {
				rc.add("loyer", MsgLoyerAnnexe(max))
			}
		}
		p.rows = append(p.rows, row)
	}
	for _, s := range storedOrder {
		if !seen[s.UUID] {
			p.deleted = append(p.deleted, s)
		}
	}
	return p, ps
}

func (p *annexesPlan) changes() []change {
	var d diff
	for _, o := range p.options {
		for _, opt := range AnnexeOptions {
			d.add(o.lot.Annexes[opt.Code] != o.opts[opt.Code], describe(ObjLot, opt.Code)+" ("+FinancementLabel(o.lot.Financement)+")",
				FieldKey(ObjLot, opt.Code, o.lot.UUID))
		}
	}
	for _, r := range p.rows {
		table := TableKey(ObjAnnexe, r.logement.lot.UUID)
		if r.old == nil {
			d.add(true, "Nouvelle ligne du "+lower(ObjectLabel(ObjAnnexe)), table)
			continue
		}
		changed := r.old.logement != r.logement || r.old.Typologie != r.Typologie ||
			!r.old.SurfaceHorsSurfaceRetenue.Equal(r.SurfaceHorsSurfaceRetenue) ||
			!r.old.LoyerParMetreCarre.Equal(r.LoyerParMetreCarre) || !r.old.Loyer.Equal(r.Loyer)
		d.add(changed, rowLabel(ObjAnnexe, r.logement.Designation+" "+TypologiesAnnexe.Label(r.Typologie)), table,
			TableKey(ObjAnnexe, r.old.logement.lot.UUID), RowKey(ObjAnnexe, r.UUID))
	}
	for _, s := range p.deleted {
		d.add(true, "Suppression de la "+lower(rowLabel(ObjAnnexe, s.logement.Designation+" "+TypologiesAnnexe.Label(s.Typologie))),
			TableKey(ObjAnnexe, s.logement.lot.UUID), RowKey(ObjAnnexe, s.UUID))
	}
	return d
}

func (p *annexesPlan) write(ctx context.Context, tx pgx.Tx) error {
	for _, o := range p.options {
		v := make([]any, 0, 12)
		v = append(v, o.lot.ID)
		for _, opt := range AnnexeOptions {
			v = append(v, o.opts[opt.Code])
		}
		if _, err := tx.Exec(ctx, `UPDATE programmes_lot SET annexe_caves = $2, annexe_soussols = $3, annexe_remises = $4,
			annexe_ateliers = $5, annexe_sechoirs = $6, annexe_celliers = $7, annexe_resserres = $8, annexe_combles = $9,
			annexe_balcons = $10, annexe_loggias = $11, annexe_terrasses = $12 WHERE id = $1`, v...); err != nil {
			return err
		}
	}
	if err := deleteRows(ctx, tx, "programmes_annexe", p.deleted, func(s *annexeStored) int64 { return s.ID }); err != nil {
		return err
	}
	for _, r := range p.rows {
		var err error
		if r.old == nil {
			_, err = tx.Exec(ctx, `INSERT INTO programmes_annexe (logement_id, typologie, surface_hors_surface_retenue, loyer_par_metre_carre, loyer)
				VALUES ($1, $2, $3, $4, $5)`, r.logement.ID, r.Typologie, r.SurfaceHorsSurfaceRetenue.String(), r.LoyerParMetreCarre.String(), r.Loyer.String())
		} else {
			_, err = tx.Exec(ctx, `UPDATE programmes_annexe SET logement_id = $2, typologie = $3, surface_hors_surface_retenue = $4,
				loyer_par_metre_carre = $5, loyer = $6 WHERE id = $1`,
				r.ID, r.logement.ID, r.Typologie, r.SurfaceHorsSurfaceRetenue.String(), r.LoyerParMetreCarre.String(), r.Loyer.String())
		}
		if err != nil {
			return err
		}
	}
	return nil
}
