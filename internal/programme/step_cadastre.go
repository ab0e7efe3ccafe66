package programme

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// CadastreInput is the Cadastre step (workflows §3.5): the programme's
// dates and deeds, and the table of références cadastrales. The
// text+files fields carry their text; their files change only through
// Files. The dates of foyers (autorisation hors habitat inclusif, convention de location) and
// of résidences (convention de location, agrément) are written only for
// those natures.
type CadastreInput struct {
	PermisConstruire                string
	DateActeNotarie                 string
	DateAchevementPrevisible        string
	DateAchat                       string
	DateAchevement                  string
	DateAutorisationHorsHabitat     string
	DateConventionLocation          string
	DateResidenceAgrement           string
	DepartementResidenceAgrement    string
	VilleSignatureResidenceAgrement string
	Vendeur                         string
	Acquereur                       string
	ReferenceNotaire                string
	ReferencePublicationActe        string
	References                      []ReferenceCadastraleInput
	// Files are the files attached to and detached from the text+files
	// fields (vendeur, acquereur, reference_notaire,
	// reference_publication_acte); nil keeps them.
	Files FileEdits
}

// ReferenceCadastraleInput is one row of the table; UUID is empty for a
// new row.
type ReferenceCadastraleInput struct {
	UUID    string
	Section string
	Numero  string
	Lieudit string
	Surface string
	Autre   string
}

// Step is StepCadastre.
func (CadastreInput) Step() Step { return StepCadastre }

// CadastreInputOf is the form filled with the stored values.
func CadastreInputOf(c *Content) CadastreInput {
	p := c.Programme
	in := CadastreInput{PermisConstruire: p.PermisConstruire, DateActeNotarie: p.DateActeNotarie.String(),
		DateAchevementPrevisible: p.DateAchevementPrevisible.String(), DateAchat: p.DateAchat.String(),
		DateAchevement: p.DateAchevement.String(), DateAutorisationHorsHabitat: p.DateAutorisationHorsHabitat.String(),
		DateConventionLocation: p.DateConventionLocation.String(), DateResidenceAgrement: p.DateResidenceAgrement.String(),
		DepartementResidenceAgrement: p.DepartementResidenceAgrement, VilleSignatureResidenceAgrement: p.VilleSignatureResidenceAgrement,
		Vendeur: p.Vendeur.Text, Acquereur: p.Acquereur.Text, ReferenceNotaire: p.ReferenceNotaire.Text,
		ReferencePublicationActe: p.ReferencePublicationActe.Text}
	for _, r := range c.ReferencesCadastrales {
		in.References = append(in.References, ReferenceCadastraleInput{UUID: r.UUID.String(), Section: r.Section,
			Numero: r.Numero, Lieudit: r.Lieudit, Surface: r.Surface, Autre: r.Autre})
	}
	return in
}

type cadastrePlan struct {
	c                                      *Content
	permis                                 string
	acte, achevPrev, achat, achev          Date
	autorisation, location, agrement       Date
	depAgrement, villeAgrement             string
	vendeur, acquereur, refNotaire, refPub TextFiles
	rows                                   []ReferenceCadastrale // ID 0: new
	deleted                                []ReferenceCadastrale
}

func (in CadastreInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	f := ps.fields(ObjProgramme)
	pr := c.Programme
	p := &cadastrePlan{c: c,
		autorisation: pr.DateAutorisationHorsHabitat, location: pr.DateConventionLocation, agrement: pr.DateResidenceAgrement,
		depAgrement: pr.DepartementResidenceAgrement, villeAgrement: pr.VilleSignatureResidenceAgrement}
	p.permis = f.text("permis_construire", in.PermisConstruire, false, "", 255)
	p.acte = f.date("date_acte_notarie", in.DateActeNotarie, false, "")
	p.achevPrev = f.date("date_achevement_previsible", in.DateAchevementPrevisible, false, "")
	p.achat = f.date("date_achat", in.DateAchat, false, "")
	p.achev = f.date("date_achevement", in.DateAchevement, false, "")
	if pr.IsFoyerOrResidence() {
		p.location = f.date("date_convention_location", in.DateConventionLocation, false, "")
	}
	if pr.IsFoyer() {
		p.autorisation = f.date("date_autorisation_hors_habitat_inclusif", in.DateAutorisationHorsHabitat, false, "")
	}
	if pr.IsResidence() {
		p.agrement = f.date("date_residence_argement_gestionnaire_intermediation", in.DateResidenceAgrement, false, "")
		p.depAgrement = f.text("departement_residence_argement_gestionnaire_intermediation", in.DepartementResidenceAgrement, false, "", 255)
		p.villeAgrement = f.text("ville_signature_residence_agrement_gestionnaire_intermediation", in.VilleSignatureResidenceAgrement, false, "", 255)
	}
	p.vendeur = in.Files.edit("vendeur", pr.Vendeur, f.text("vendeur", in.Vendeur, false, "", 5000))
	p.acquereur = in.Files.edit("acquereur", pr.Acquereur, f.text("acquereur", in.Acquereur, false, "", 5000))
	p.refNotaire = in.Files.edit("reference_notaire", pr.ReferenceNotaire, f.text("reference_notaire", in.ReferenceNotaire, false, "", 5000))
	p.refPub = in.Files.edit("reference_publication_acte", pr.ReferencePublicationActe, f.text("reference_publication_acte", in.ReferencePublicationActe, false, "", 5000))

	stored := map[uuid.UUID]ReferenceCadastrale{}
	for _, r := range c.ReferencesCadastrales {
		stored[r.UUID] = r
	}
	seen := map[uuid.UUID]bool{}
	for i, r := range in.References {
		rc := ps.at(TableReferencesCadastrales, i)
		var row ReferenceCadastrale
		if id, ok := rowUUID(rc, r.UUID, stored, seen); ok {
			row = stored[id]
		}
		row.Section = rc.text("section", r.Section, true, "", 255)
		row.Numero = rc.text("numero", r.Numero, true, "", 255)
		row.Lieudit = rc.text("lieudit", r.Lieudit, true, "", 255)
		row.Surface = rc.text("surface", r.Surface, true, "", 255)
		row.Autre = rc.text("autre", r.Autre, false, "", 255)
		p.rows = append(p.rows, row)
	}
	for _, r := range c.ReferencesCadastrales {
		if !seen[r.UUID] {
			p.deleted = append(p.deleted, r)
		}
	}
	return p, ps
}

// rowUUID resolves the uuid posted with a row: empty for a new row, else
// the uuid of a stored row of the table, once. A uuid that is not one of
// the table's rows (another convention's, or posted twice) is a problem
// of the row.
func rowUUID[T any](rc checker, s string, stored map[uuid.UUID]T, seen map[uuid.UUID]bool) (uuid.UUID, bool) {
	if s == "" {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(s)
	if _, ok := stored[id]; err != nil || !ok || seen[id] {
		rc.add("", "Cette ligne n'appartient pas à ce tableau : rechargez la page et recommencez")
		return uuid.Nil, false
	}
	seen[id] = true
	return id, true
}

func (p *cadastrePlan) changes() []change {
	pr, pu := p.c.Programme, p.c.Programme.UUID
	var d diff
	field := func(changed bool, name string) {
		d.add(changed, describe(ObjProgramme, name), FieldKey(ObjProgramme, name, pu))
	}
	field(pr.PermisConstruire != p.permis, "permis_construire")
	field(pr.DateActeNotarie != p.acte, "date_acte_notarie")
	field(pr.DateAchevementPrevisible != p.achevPrev, "date_achevement_previsible")
	field(pr.DateAchat != p.achat, "date_achat")
	field(pr.DateAchevement != p.achev, "date_achevement")
	field(pr.DateConventionLocation != p.location, "date_convention_location")
	field(pr.DateAutorisationHorsHabitat != p.autorisation, "date_autorisation_hors_habitat_inclusif")
	field(pr.DateResidenceAgrement != p.agrement, "date_residence_argement_gestionnaire_intermediation")
	field(pr.DepartementResidenceAgrement != p.depAgrement, "departement_residence_argement_gestionnaire_intermediation")
	field(pr.VilleSignatureResidenceAgrement != p.villeAgrement, "ville_signature_residence_agrement_gestionnaire_intermediation")
	field(textFilesChanged(pr.Vendeur, p.vendeur), "vendeur")
	field(textFilesChanged(pr.Acquereur, p.acquereur), "acquereur")
	field(textFilesChanged(pr.ReferenceNotaire, p.refNotaire), "reference_notaire")
	field(textFilesChanged(pr.ReferencePublicationActe, p.refPub), "reference_publication_acte")
	table := TableKey(ObjReferenceCadastrale, pu)
	stored := map[int64]ReferenceCadastrale{}
	for _, r := range p.c.ReferencesCadastrales {
		stored[r.ID] = r
	}
	for _, r := range p.rows {
		if r.ID == 0 {
			d.add(true, "Nouvelle ligne du "+lower(ObjectLabel(ObjReferenceCadastrale)), table)
			continue
		}
		d.add(r != stored[r.ID], rowLabel(ObjReferenceCadastrale, r.Section+" "+r.Numero), table, RowKey(ObjReferenceCadastrale, r.UUID))
	}
	for _, r := range p.deleted {
		d.add(true, "Suppression de la ligne "+r.Section+" "+r.Numero+" du "+lower(ObjectLabel(ObjReferenceCadastrale)),
			table, RowKey(ObjReferenceCadastrale, r.UUID))
	}
	return d
}

func (p *cadastrePlan) write(ctx context.Context, tx pgx.Tx) error {
	pr := p.c.Programme
	compile := p.achev
	if compile.IsZero() {
		compile = p.achevPrev
	}
	if _, err := tx.Exec(ctx, `UPDATE programmes_programme SET permis_construire = $2, date_acte_notarie = $3,
		date_achevement_previsible = $4, date_achat = $5, date_achevement = $6, date_achevement_compile = $7,
		date_convention_location = $8, date_autorisation_hors_habitat_inclusif = $9,
		date_residence_argement_gestionnaire_intermediation = $10, departement_residence_argement_gestionnaire_intermediation = $11,
		ville_signature_residence_agrement_gestionnaire_intermediation = $12,
		vendeur = $13, acquereur = $14, reference_notaire = $15, reference_publication_acte = $16 WHERE id = $1`,
		pr.ID, p.permis, p.acte, p.achevPrev, p.achat, p.achev, compile, p.location, p.autorisation,
		p.agrement, p.depAgrement, p.villeAgrement,
		p.vendeur.Encode(), p.acquereur.Encode(), p.refNotaire.Encode(), p.refPub.Encode()); err != nil {
		return err
	}
	if err := deleteRows(ctx, tx, "programmes_referencecadastrale", p.deleted, func(r ReferenceCadastrale) int64 { return r.ID }); err != nil {
		return err
	}
	for _, r := range p.rows {
		var err error
		if r.ID == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO programmes_referencecadastrale (programme_id, section, numero, lieudit, surface, autre)
				VALUES ($1, $2, $3, $4, $5, $6)`, pr.ID, r.Section, r.Numero, r.Lieudit, r.Surface, r.Autre)
		} else {
			_, err = tx.Exec(ctx, `UPDATE programmes_referencecadastrale SET section = $2, numero = $3, lieudit = $4, surface = $5, autre = $6
				WHERE id = $1`, r.ID, r.Section, r.Numero, r.Lieudit, r.Surface, r.Autre)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
