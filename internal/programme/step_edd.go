package programme

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// EDDInput is the États descriptifs de division step (workflows §3.6):
// the programme's EDD texts and the EDD simplifié rows. The text+files
// fields carry their text; their files change only through Files.
type EDDInput struct {
	EDDVolumetrique                   string
	MentionPublicationEDDVolumetrique string
	EDDClassique                      string
	MentionPublicationEDDClassique    string
	EDDStationnements                 string
	Rows                              []LogementEDDInput
	// Files are the files attached to and detached from edd_volumetrique,
	// edd_classique and edd_stationnements; nil keeps them.
	Files FileEdits
}

// LogementEDDInput is one row of the EDD simplifié.
type LogementEDDInput struct {
	UUID        string
	Designation string
	NumeroLot   string
	Financement string // a code of FinancementsEDD
}

// Step is StepEDD.
func (EDDInput) Step() Step { return StepEDD }

// EDDInputOf is the form filled with the stored values.
func EDDInputOf(c *Content) EDDInput {
	p := c.Programme
	in := EDDInput{EDDVolumetrique: p.EDDVolumetrique.Text, MentionPublicationEDDVolumetrique: p.MentionEDDVolumetrique,
		EDDClassique: p.EDDClassique.Text, MentionPublicationEDDClassique: p.MentionEDDClassique,
		EDDStationnements: p.EDDStationnements.Text}
	for _, r := range c.EDD {
		in.Rows = append(in.Rows, LogementEDDInput{UUID: r.UUID.String(), Designation: r.Designation, NumeroLot: r.NumeroLot, Financement: r.Financement})
	}
	return in
}

// EDDCoverageMessage is the optional problem of an EDD simplifié that
// misses a financement of the programme.
func EDDCoverageMessage(financements []string) string {
	const head = "L'EDD simplifié doit comporter tous les logements du programme quelquesoit leur financement. "
	if len(financements) == 1 {
		return head + "Le seul financement connu pour ce programme est " + financements[0]
	}
	return head + "Les financements connus pour ce programme sont " + strings.Join(financements, ", ")
}

type eddPlan struct {
	c                      *Content
	vol, cla, sta          TextFiles
	mentionVol, mentionCla string
	rows                   []LogementEDD
	deleted                []LogementEDD
}

func (in EDDInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	f := ps.fields(ObjProgramme)
	pr := c.Programme
	p := &eddPlan{c: c}
	p.vol = in.Files.edit("edd_volumetrique", pr.EDDVolumetrique, f.text("edd_volumetrique", in.EDDVolumetrique, false, "", 50000))
	p.mentionVol = f.text("mention_publication_edd_volumetrique", in.MentionPublicationEDDVolumetrique, false, "", 5000)
	p.cla = in.Files.edit("edd_classique", pr.EDDClassique, f.text("edd_classique", in.EDDClassique, false, "", 50000))
	p.mentionCla = f.text("mention_publication_edd_classique", in.MentionPublicationEDDClassique, false, "", 5000)
	p.sta = in.Files.edit("edd_stationnements", pr.EDDStationnements, f.text("edd_stationnements", in.EDDStationnements, false, "", 50000))

	stored := map[uuid.UUID]LogementEDD{}
	for _, r := range c.EDD {
		stored[r.UUID] = r
	}
	seen := map[uuid.UUID]bool{}
	present := map[string]bool{}
	for i, r := range in.Rows {
		rc := ps.at(TableEDD, i)
		var row LogementEDD
		if id, ok := rowUUID(rc, r.UUID, stored, seen); ok {
			row = stored[id]
		}
		row.Designation = rc.text("designation", r.Designation, true, "", 255)
		row.NumeroLot = rc.text("numero_lot", r.NumeroLot, true, "", 255)
		row.Financement = rc.choice("financement", r.Financement, FinancementsEDD, true, "")
		present[row.Financement] = true
		p.rows = append(p.rows, row)
	}
	for _, r := range c.EDD {
		if !seen[r.UUID] {
			p.deleted = append(p.deleted, r)
		}
	}
	// Optional: the EDD covers every financement of the programme.
	if len(in.Rows) > 0 {
		for _, fin := range c.ProgrammeFinancements {
			if !present[fin] {
				ps = append(ps, Problem{Table: TableEDD, Row: -1, Message: EDDCoverageMessage(c.ProgrammeFinancements), Optional: true})
				break
			}
		}
	}
	return p, ps
}

func (p *eddPlan) changes() []change {
	pr, pu := p.c.Programme, p.c.Programme.UUID
	var d diff
	field := func(changed bool, name string) {
		d.add(changed, describe(ObjProgramme, name), FieldKey(ObjProgramme, name, pu))
	}
	field(textFilesChanged(pr.EDDVolumetrique, p.vol), "edd_volumetrique")
	field(pr.MentionEDDVolumetrique != p.mentionVol, "mention_publication_edd_volumetrique")
	field(textFilesChanged(pr.EDDClassique, p.cla), "edd_classique")
	field(pr.MentionEDDClassique != p.mentionCla, "mention_publication_edd_classique")
	field(textFilesChanged(pr.EDDStationnements, p.sta), "edd_stationnements")
	table := TableKey(ObjLogementEDD, pu)
	stored := map[int64]LogementEDD{}
	for _, r := range p.c.EDD {
		stored[r.ID] = r
	}
	for _, r := range p.rows {
		if r.ID == 0 {
			d.add(true, "Nouvelle ligne du "+lower(ObjectLabel(ObjLogementEDD)), table)
			continue
		}
		d.add(r != stored[r.ID], rowLabel(ObjLogementEDD, r.Designation), table, RowKey(ObjLogementEDD, r.UUID))
	}
	for _, r := range p.deleted {
		d.add(true, "Suppression de la "+lower(rowLabel(ObjLogementEDD, r.Designation)), table, RowKey(ObjLogementEDD, r.UUID))
	}
	return d
}

func (p *eddPlan) write(ctx context.Context, tx pgx.Tx) error {
	pr := p.c.Programme
	if _, err := tx.Exec(ctx, `UPDATE programmes_programme SET edd_volumetrique = $2, mention_publication_edd_volumetrique = $3,
		edd_classique = $4, mention_publication_edd_classique = $5, edd_stationnements = $6 WHERE id = $1`,
		pr.ID, p.vol.Encode(), p.mentionVol, p.cla.Encode(), p.mentionCla, p.sta.Encode()); err != nil {
		return err
	}
	if err := deleteRows(ctx, tx, "programmes_logementedd", p.deleted, func(r LogementEDD) int64 { return r.ID }); err != nil {
		return err
	}
	for _, r := range p.rows {
		var err error
		if r.ID == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO programmes_logementedd (programme_id, designation, financement, numero_lot)
				VALUES ($1, $2, $3, $4)`, pr.ID, r.Designation, r.Financement, r.NumeroLot)
		} else {
			_, err = tx.Exec(ctx, `UPDATE programmes_logementedd SET designation = $2, financement = $3, numero_lot = $4 WHERE id = $1`,
				r.ID, r.Designation, r.Financement, r.NumeroLot)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
