package programme

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// ProgrammeInput is the Opération step (workflows §3.4). The adresse is
// the convention's. An avenant's page shows and saves only Nom and
// Adresse; type_operation is kept when empty; nb_locaux_commerciaux,
// nb_bureaux and autres_locaux_hors_convention belong to logements
// ordinaires only.
type ProgrammeInput struct {
	Nom                        string
	Adresse                    string
	CodePostal                 string
	Ville                      string
	TypeHabitat                string
	TypeOperation              string
	Anru                       bool
	Anah                       bool
	NbLocauxCommerciaux        string
	NbBureaux                  string
	AutresLocauxHorsConvention string
}

// Step is StepProgramme.
func (ProgrammeInput) Step() Step { return StepProgramme }

// ProgrammeInputOf is the form filled with the stored values.
func ProgrammeInputOf(c *Content) ProgrammeInput {
	p := c.Programme
	in := ProgrammeInput{Nom: p.Nom, Adresse: c.Adresse(), CodePostal: p.CodePostal, Ville: p.Ville,
		TypeOperation: p.TypeOperation, Anru: p.Anru, Anah: p.Anah, AutresLocauxHorsConvention: p.AutresLocauxHorsConvention,
		NbLocauxCommerciaux: itoa(p.NbLocauxCommerciaux), NbBureaux: itoa(p.NbBureaux)}
	if len(c.Lots) > 0 {
		in.TypeHabitat = c.Lots[0].TypeHabitat
	}
	return in
}

// Adresse is the address of the opération as written in the convention,
// else the programme's.
func (c *Content) Adresse() string {
	if strings.TrimSpace(c.Convention.Adresse) != "" {
		return c.Convention.Adresse
	}
	return c.Programme.Adresse
}

func itoa(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// Messages of the Opération step.
const (
	MsgNomProgramme        = "Le nom du programme est obligatoire"
	MsgAdresse             = "L'adresse de l'opération est obligatoire"
	MsgCodePostal          = "Le code postal est une suite de 5 caractères"
	MsgVille               = "La ville est obligatoire"
	MsgTypeOperationLocked = "Le type d'opération ne peut pas être modifié : la convention a un lot sans financement"
)

type programmePlan struct {
	c                   *Content
	avenant             bool
	nom, adresse        string
	codePostal, ville   string
	typeHabitat         string
	typeOperation       string
	anru, anah          bool
	locaux, bureaux     *int
	autresLocaux        string
	logementsOrdinaires bool
}

func (in ProgrammeInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	f := ps.fields(ObjProgramme)
	p := &programmePlan{c: c, avenant: c.Convention.IsAvenant(), logementsOrdinaires: !c.Programme.IsFoyerOrResidence()}
	p.nom = f.text("nom", in.Nom, true, MsgNomProgramme, 255)
	p.adresse = f.text("adresse", in.Adresse, true, MsgAdresse, 5000)
	if p.avenant {
		return p, ps
	}
	p.codePostal = strings.TrimSpace(in.CodePostal)
	if len([]rune(p.codePostal)) != 5 {
		f.add("code_postal", MsgCodePostal)
	}
	p.ville = f.text("ville", in.Ville, true, MsgVille, 255)
	p.typeHabitat = f.choice("type_habitat", in.TypeHabitat, TypesHabitat, false, "")
	p.typeOperation = f.choice("type_operation", in.TypeOperation, TypesOperation, false, "")
	if p.typeOperation == "" {
		p.typeOperation = c.Programme.TypeOperation
	}
	if p.typeOperation != c.Programme.TypeOperation && c.LotOf("SANS_FINANCEMENT") != nil {
		f.add("type_operation", MsgTypeOperationLocked)
	}
	p.anru, p.anah = in.Anru, in.Anah
	if p.logementsOrdinaires {
		p.locaux = f.integer("nb_locaux_commerciaux", in.NbLocauxCommerciaux, false, "")
		p.bureaux = f.integer("nb_bureaux", in.NbBureaux, false, "")
		p.autresLocaux = f.text("autres_locaux_hors_convention", in.AutresLocauxHorsConvention, false, "", 5000)
	}
	return p, ps
}

func (p *programmePlan) changes() []change {
	pr, pu := p.c.Programme, p.c.Programme.UUID
	var d diff
	field := func(changed bool, name string) {
		d.add(changed, describe(ObjProgramme, name), FieldKey(ObjProgramme, name, pu))
	}
	field(pr.Nom != p.nom, "nom")
	// The address is commented on the programme (récapitulatif) or on the
	// convention that stores it.
	d.add(p.c.Adresse() != p.adresse, describe(ObjProgramme, "adresse"),
		FieldKey(ObjProgramme, "adresse", pu), FieldKey(ObjConvention, "adresse", p.c.Convention.UUID))
	if p.avenant {
		return d
	}
	field(pr.CodePostal != p.codePostal, "code_postal")
	field(pr.Ville != p.ville, "ville")
	if p.typeHabitat != "" {
		for _, l := range p.c.Lots {
			d.add(l.TypeHabitat != p.typeHabitat, describe(ObjProgramme, "type_habitat"),
				FieldKey(ObjProgramme, "type_habitat", pu), FieldKey(ObjLot, "type_habitat", l.UUID))
		}
	}
	field(pr.TypeOperation != p.typeOperation, "type_operation")
	field(pr.Anru != p.anru, "anru")
	field(pr.Anah != p.anah, "anah")
	if p.logementsOrdinaires {
		field(!intEq(pr.NbLocauxCommerciaux, p.locaux), "nb_locaux_commerciaux")
		field(!intEq(pr.NbBureaux, p.bureaux), "nb_bureaux")
		field(pr.AutresLocauxHorsConvention != p.autresLocaux, "autres_locaux_hors_convention")
	}
	return d
}

func (p *programmePlan) write(ctx context.Context, tx pgx.Tx) error {
	pr := p.c.Programme
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET adresse = $2 WHERE id = $1`, p.c.Convention.ID, p.adresse); err != nil {
		return err
	}
	if p.avenant {
		_, err := tx.Exec(ctx, `UPDATE programmes_programme SET nom = $2 WHERE id = $1`, pr.ID, p.nom)
		return err
	}
	locaux, bureaux, autres := pr.NbLocauxCommerciaux, pr.NbBureaux, pr.AutresLocauxHorsConvention
	if p.logementsOrdinaires {
		locaux, bureaux, autres = p.locaux, p.bureaux, p.autresLocaux
	}
	if _, err := tx.Exec(ctx, `UPDATE programmes_programme SET nom = $2, code_postal = $3, ville = $4, type_operation = $5,
		anru = $6, anah = $7, nb_locaux_commerciaux = $8, nb_bureaux = $9, autres_locaux_hors_convention = $10,
		numero_operation_pour_recherche = $11 WHERE id = $1`,
		pr.ID, p.nom, p.codePostal, p.ville, p.typeOperation, p.anru, p.anah, locaux, bureaux, autres,
		convention.NumeroPourRecherche(pr.NumeroOperation)); err != nil {
		return err
	}
	if p.typeHabitat != "" {
		if _, err := tx.Exec(ctx, `UPDATE programmes_lot SET type_habitat = $2 WHERE convention_id = $1 AND type_habitat <> $2`,
			p.c.Convention.ID, p.typeHabitat); err != nil {
			return err
		}
	}
	return fillInsee(ctx, tx, pr.ID)
}

// fillInsee fills the programme's INSEE département and région from its
// postcode when one of them is empty (data-model §5, third pre-save
// rule): overseas postcodes (97xxx) use three characters, Corsica ("20")
// keeps "20" with the region of the first département whose postcode
// prefix is 20, a "2A"/"2B" département is left alone, and an unknown
// prefix changes nothing.
func fillInsee(ctx context.Context, tx pgx.Tx, programmeID int64) error {
	_, err := tx.Exec(ctx, `
WITH p AS (
  SELECT id, code_insee_departement AS dep,
         CASE WHEN code_postal ~ '^[0-9]{5}$' AND code_postal::int >= 97000 THEN left(code_postal, 3) ELSE left(code_postal, 2) END AS k
  FROM programmes_programme
  WHERE id = $1 AND (code_insee_departement = '' OR code_insee_region = '') AND char_length(code_postal) = 5
), d AS (
  SELECT p.id, CASE WHEN p.k = '20' THEN '20' ELSE d.code_insee END AS dep, d.code_insee_region AS reg
  FROM p JOIN LATERAL (SELECT code_insee, code_insee_region FROM apilos_settings_departement
                       WHERE code_postal = p.k ORDER BY id LIMIT 1) d ON true
  WHERE p.k <> p.dep AND p.dep NOT IN ('2A', '2B')
)
UPDATE programmes_programme pp SET code_insee_departement = d.dep, code_insee_region = d.reg
FROM d WHERE pp.id = d.id`, programmeID)
	return err
}
