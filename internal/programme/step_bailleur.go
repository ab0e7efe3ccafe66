package programme

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// BailleurInput is the signataire form of the Bailleur step (workflows
// §3.3). IdentificationBailleur and its detail belong to logements
// ordinaires conventions, the gestionnaire fields to foyers and
// résidences: the other ones are neither checked nor written.
type BailleurInput struct {
	SignataireNom                          string
	SignataireFonction                     string
	SignataireDateDeliberation             string
	SignataireBlocSignature                string
	IdentificationBailleur                 bool
	IdentificationBailleurDetail           string
	Gestionnaire                           string
	GestionnaireSignataireNom              string
	GestionnaireSignataireFonction         string
	GestionnaireSignataireDateDeliberation string
	GestionnaireSignataireBlocSignature    string
	GestionnaireBlocInfoComplementaire     string
}

// Step is StepBailleur.
func (BailleurInput) Step() Step { return StepBailleur }

// BailleurInputOf is the form filled with the stored values.
func BailleurInputOf(c *Content) BailleurInput {
	v := c.Convention
	return BailleurInput{
		SignataireNom: v.SignataireNom, SignataireFonction: v.SignataireFonction,
		SignataireDateDeliberation: v.SignataireDateDeliberation.String(), SignataireBlocSignature: v.SignataireBlocSignature,
		IdentificationBailleur: v.IdentificationBailleur, IdentificationBailleurDetail: v.IdentificationBailleurDetail,
		Gestionnaire: v.Gestionnaire, GestionnaireSignataireNom: v.GestionnaireSignataireNom,
		GestionnaireSignataireFonction:         v.GestionnaireSignataireFonction,
		GestionnaireSignataireDateDeliberation: v.GestionnaireSignataireDateDeliberation.String(),
		GestionnaireSignataireBlocSignature:    v.GestionnaireSignataireBlocSignature,
		GestionnaireBlocInfoComplementaire:     v.GestionnaireBlocInfoComplementaire,
	}
}

// Messages of the Bailleur step.
const (
	MsgSignataireNom            = "Le nom du signataire de la convention est obligatoire"
	MsgIdentificationDetail     = "Le détail de l'identification du bailleur est obligatoire lorsque vous avez choisi l'identification du bailleur personnalisée"
	MsgGestionnaireSignataire   = "Le nom du signataire du gestionnaire est obligatoire lorsqu'un gestionnaire est renseigné"
	MsgGestionnaireFonction     = "La fonction du signataire du gestionnaire est obligatoire lorsqu'un gestionnaire est renseigné"
	MsgGestionnaireDeliberation = "La date de délibération du signataire du gestionnaire est obligatoire lorsqu'un gestionnaire est renseigné"
)

type bailleurPlan struct {
	c                                 *Content
	foyerResidence                    bool
	signataireNom, signataireFonction string
	signataireDate                    Date
	signataireBloc                    string
	identification                    bool
	identificationDetail              string
	gestionnaire, gNom, gFonction     string
	gDate                             Date
	gBloc, gInfo                      string
}

func (in BailleurInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	f := ps.fields(ObjConvention)
	p := &bailleurPlan{c: c, foyerResidence: c.Programme.IsFoyerOrResidence()}
	p.identification = in.IdentificationBailleur && !p.foyerResidence
	p.signataireNom = f.text("signataire_nom", in.SignataireNom, !p.identification, MsgSignataireNom, 255)
	p.signataireFonction = f.text("signataire_fonction", in.SignataireFonction, false, "", 255)
	p.signataireDate = f.date("signataire_date_deliberation", in.SignataireDateDeliberation, false, "")
	p.signataireBloc = f.text("signataire_bloc_signature", in.SignataireBlocSignature, false, "", 5000)
	if !p.foyerResidence {
		p.identificationDetail = f.text("identification_bailleur_detail", in.IdentificationBailleurDetail, p.identification, MsgIdentificationDetail, 5000)
		return p, ps
	}
	p.gestionnaire = f.text("gestionnaire", in.Gestionnaire, false, "", 255)
	g := p.gestionnaire != ""
	p.gNom = f.text("gestionnaire_signataire_nom", in.GestionnaireSignataireNom, g, MsgGestionnaireSignataire, 255)
	p.gFonction = f.text("gestionnaire_signataire_fonction", in.GestionnaireSignataireFonction, g, MsgGestionnaireFonction, 255)
	p.gDate = f.date("gestionnaire_signataire_date_deliberation", in.GestionnaireSignataireDateDeliberation, g, MsgGestionnaireDeliberation)
	p.gBloc = f.text("gestionnaire_signataire_bloc_signature", in.GestionnaireSignataireBlocSignature, false, "", 5000)
	p.gInfo = f.text("gestionnaire_bloc_info_complementaire", in.GestionnaireBlocInfoComplementaire, false, "", 5000)
	return p, ps
}

func (p *bailleurPlan) changes() []change {
	v, u := p.c.Convention, p.c.Convention.UUID
	var d diff
	field := func(changed bool, name string) {
		d.add(changed, describe(ObjConvention, name), FieldKey(ObjConvention, name, u))
	}
	field(v.SignataireNom != p.signataireNom, "signataire_nom")
	field(v.SignataireFonction != p.signataireFonction, "signataire_fonction")
	field(v.SignataireDateDeliberation != p.signataireDate, "signataire_date_deliberation")
	field(v.SignataireBlocSignature != p.signataireBloc, "signataire_bloc_signature")
	if !p.foyerResidence {
		field(v.IdentificationBailleur != p.identification, "identification_bailleur")
		field(v.IdentificationBailleurDetail != p.identificationDetail, "identification_bailleur_detail")
		return d
	}
	field(v.Gestionnaire != p.gestionnaire, "gestionnaire")
	field(v.GestionnaireSignataireNom != p.gNom, "gestionnaire_signataire_nom")
	field(v.GestionnaireSignataireFonction != p.gFonction, "gestionnaire_signataire_fonction")
	field(v.GestionnaireSignataireDateDeliberation != p.gDate, "gestionnaire_signataire_date_deliberation")
	field(v.GestionnaireSignataireBlocSignature != p.gBloc, "gestionnaire_signataire_bloc_signature")
	field(v.GestionnaireBlocInfoComplementaire != p.gInfo, "gestionnaire_bloc_info_complementaire")
	return d
}

func (p *bailleurPlan) write(ctx context.Context, tx pgx.Tx) error {
	id := p.c.Convention.ID
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET signataire_nom = $2, signataire_fonction = $3,
		signataire_date_deliberation = $4, signataire_bloc_signature = $5 WHERE id = $1`,
		id, nullText(p.signataireNom), nullText(p.signataireFonction), p.signataireDate, nullText(p.signataireBloc)); err != nil {
		return err
	}
	if !p.foyerResidence {
		_, err := tx.Exec(ctx, `UPDATE conventions_convention SET identification_bailleur = $2, identification_bailleur_detail = $3 WHERE id = $1`,
			id, p.identification, nullText(p.identificationDetail))
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE conventions_convention SET gestionnaire = $2, gestionnaire_signataire_nom = $3,
		gestionnaire_signataire_fonction = $4, gestionnaire_signataire_date_deliberation = $5,
		gestionnaire_signataire_bloc_signature = $6, gestionnaire_bloc_info_complementaire = $7 WHERE id = $1`,
		id, nullText(p.gestionnaire), nullText(p.gNom), nullText(p.gFonction), p.gDate, nullText(p.gBloc), nullText(p.gInfo))
	return err
}
