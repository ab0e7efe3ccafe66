package programme

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/db"
)

// Querier is a pool, a connection or a transaction.
type Querier = db.Querier

// Content is the whole content of one convention (or avenant), read in a
// fixed number of queries whatever the number of rows: what the
// récapitulatif, the step pages and the documents show.
type Content struct {
	Convention            ConventionFields
	Programme             Programme
	Bailleur              Bailleur
	Lots                  []Lot // by id: the first lot is Lots[0]
	ReferencesCadastrales []ReferenceCadastrale
	EDD                   []LogementEDD
	// ProgrammeFinancements are the financements of the lots of every
	// convention of the programme (the EDD must cover them all), sorted.
	ProgrammeFinancements []string
	// ParentSigneeLe is the signature date of the parent convention, for
	// an avenant (zero otherwise): the reference date of the end-year
	// rules.
	ParentSigneeLe Date
}

// ConventionFields are the columns of conventions_convention that the
// form's steps edit, with what the rules need to know of the row.
type ConventionFields struct {
	ID           int64
	UUID         uuid.UUID
	ParentID     *int64
	Statut       string
	AvenantTypes []string

	// Bailleur step.
	SignataireNom                          string
	SignataireFonction                     string
	SignataireDateDeliberation             Date
	SignataireBlocSignature                string
	IdentificationBailleur                 bool
	IdentificationBailleurDetail           string
	Gestionnaire                           string
	GestionnaireSignataireNom              string
	GestionnaireSignataireFonction         string
	GestionnaireSignataireDateDeliberation Date
	GestionnaireSignataireBlocSignature    string
	GestionnaireBlocInfoComplementaire     string
	// Opération step (the address as written in this convention).
	Adresse string
	// Financement step.
	DateFinConventionnement     Date
	FondPropre                  *float64
	HistoriqueFinancementPublic string
	// Attribution step.
	AttributionAgeesAutonomie                bool
	AttributionAgeesEphad                    bool
	AttributionAgeesDesorientees             bool
	AttributionAgeesPetiteUnite              bool
	AttributionAgeesAutre                    bool
	AttributionAgeesAutreDetail              string
	AttributionHandicapesFoyer               bool
	AttributionHandicapesFoyerDeVie          bool
	AttributionHandicapesFoyerMedicalise     bool
	AttributionHandicapesAutre               bool
	AttributionHandicapesAutreDetail         string
	AttributionInclusifConditionsSpecifiques string
	AttributionInclusifConditionsAdmission   string
	AttributionInclusifModalitesAttribution  string
	AttributionInclusifPartenariats          string
	AttributionInclusifActivites             string
	AttributionReservationPrefectorale       *int
	AttributionModalitesReservations         string
	AttributionModalitesChoixPersonnes       string
	AttributionPrestationsIntegrees          string
	AttributionPrestationsFacultatives       string
	AttributionResidenceSocialeOrdinaire     bool
	AttributionPensionDeFamille              bool
	AttributionResidenceAccueil              bool
	// Variantes step.
	Variante1           bool
	Variante2           bool
	Variante2Travaux    string
	Variante2NbTranches *int
	Variante2NbAnnees   *int
	Variante3           bool
	// Commentaires and Champ libre steps.
	Commentaires      TextFiles
	Attached          string // files JSON, kept as stored
	ChampLibreAvenant string
	// Récapitulatif.
	Type1and2 string
}

// IsAvenant reports whether the row is an avenant.
func (c ConventionFields) IsAvenant() bool { return c.ParentID != nil }

// AnneeFinConventionnement is the year of the end of the term (0 when
// not set).
func (c ConventionFields) AnneeFinConventionnement() int { return c.DateFinConventionnement.Year }

// AttributionType is the foyer's public derived from the flags
// ("agees", "handicapees", "inclusif"); the reference derived
// "handicapes", which matched no radio value.
func (c ConventionFields) AttributionType() string {
	switch {
	case c.AttributionAgeesAutonomie || c.AttributionAgeesEphad || c.AttributionAgeesDesorientees ||
		c.AttributionAgeesPetiteUnite || c.AttributionAgeesAutre:
		return "agees"
	case c.AttributionHandicapesFoyer || c.AttributionHandicapesFoyerDeVie ||
		c.AttributionHandicapesFoyerMedicalise || c.AttributionHandicapesAutre:
		return "handicapees"
	}
	return "inclusif"
}

// HasType reports whether the avenant carries the avenant type nom.
func (c ConventionFields) HasType(nom string) bool { return contains(c.AvenantTypes, nom) }

// Programme is the opération of the convention (an avenant has its own
// copy).
type Programme struct {
	ID                          int64
	UUID                        uuid.UUID
	ParentID                    *int64
	Nom                         string
	NumeroOperation             string
	Adresse                     string
	CodePostal                  string
	Ville                       string
	CodeInseeCommune            string
	CodeInseeDepartement        string
	CodeInseeRegion             string
	Zone123                     string
	ZoneABC                     string
	TypeOperation               string
	NatureLogement              string
	Anru                        bool
	Anah                        bool
	SecondeVie                  bool
	NbLocauxCommerciaux         *int
	NbBureaux                   *int
	AutresLocauxHorsConvention  string
	AdministrationID            *int64
	AdministrationNom           string
	AdministrationCode          string
	PermisConstruire            string
	DateActeNotarie             Date
	DateAchevementPrevisible    Date
	DateAchat                   Date
	DateAchevement              Date
	DateAchevementCompile       Date
	DateAutorisationHorsHabitat Date // date_autorisation_hors_habitat_inclusif (foyer)
	DateConventionLocation      Date // foyer and résidence
	// Résidence: agrément of the intermediation manager (the columns say
	// "argement").
	DateResidenceAgrement           Date
	DepartementResidenceAgrement    string
	VilleSignatureResidenceAgrement string
	Vendeur                         TextFiles
	Acquereur                       TextFiles
	ReferenceNotaire                TextFiles
	ReferencePublicationActe        TextFiles
	// Files-only columns, kept as stored (JSON).
	ActeDePropriete        string
	EffetRelatif           string
	CertificatAdressage    string
	ReferenceCadastrale    string
	EDDVolumetrique        TextFiles
	MentionEDDVolumetrique string
	EDDClassique           TextFiles
	MentionEDDClassique    string
	EDDStationnements      TextFiles
}

// Nature families.
func (p Programme) IsFoyer() bool            { return IsFoyer(p.NatureLogement) }
func (p Programme) IsResidence() bool        { return IsResidence(p.NatureLogement) }
func (p Programme) IsFoyerOrResidence() bool { return IsFoyerOrResidence(p.NatureLogement) }
func (p Programme) IsOutreMer() bool         { return IsOutreMer(p.CodeInseeDepartement) }
func (p Programme) IsSansTravaux() bool      { return p.TypeOperation == "SANSTRAVAUX" }

// Bailleur is what the steps show of the programme's bailleur.
type Bailleur struct {
	ID                         int64
	UUID                       uuid.UUID
	Nom                        string
	Siret                      string
	Siren                      string
	NatureBailleur             string
	Adresse                    string
	CodePostal                 string
	Ville                      string
	SignataireNom              string
	SignataireFonction         string
	SignataireDateDeliberation Date
	SignataireBlocSignature    string
}

// IsHLMOrSEM reports whether the bailleur is HLM or SEM (otherwise its
// logements ordinaires conventions are of Type I or II).
func (b Bailleur) IsHLMOrSEM() bool { return b.NatureBailleur == "HLM" || b.NatureBailleur == "SEM" }

// Lot is the part of the convention under one financement, with its rows.
type Lot struct {
	ID                                 int64
	UUID                               uuid.UUID
	Financement                        string
	TypeHabitat                        string
	NbLogements                        *int
	LgtsMixiteSocialeNegocies          int
	LoyerDerogatoire                   decimal.NullDecimal
	SurfaceHabitableTotale             decimal.NullDecimal
	SurfaceLocauxCollectifsResidentiel decimal.Decimal
	LoyerAssociationsFoncieres         decimal.NullDecimal
	FoyerResidenceNbGarageParking      *int
	FoyerResidenceDependance           string
	FoyerResidenceLocauxHorsConvention string
	// Annexes holds the eleven annexe booleans by column (AnnexeOptions).
	Annexes map[string]bool

	Logements        []Logement // every kind, by import order
	LocauxCollectifs []LocalCollectif
	Stationnements   []Stationnement
	Prets            []Pret
}

// Kind is one of the four logement tables.
type Kind int

// The four logement tables (data-model §7): surface utile or corrigée,
// with or without loyer.
const (
	KindAvecLoyer Kind = iota
	KindSansLoyer
	KindCorrigeeAvecLoyer
	KindCorrigeeSansLoyer
)

// Kinds lists the four tables in the order of the page.
var Kinds = []Kind{KindAvecLoyer, KindSansLoyer, KindCorrigeeAvecLoyer, KindCorrigeeSansLoyer}

// Object is the comment object (nom_objet) of the table.
func (k Kind) Object() string {
	switch k {
	case KindSansLoyer:
		return ObjLogementSansLoyer
	case KindCorrigeeAvecLoyer:
		return ObjLogementCorrigee
	case KindCorrigeeSansLoyer:
		return ObjLogementCorrigeeSansLoyer
	}
	return ObjLogement
}

// Label is the title of the table.
func (k Kind) Label() string { return ObjectLabel(k.Object()) }

// Corrigee reports whether the table is in surface corrigée.
func (k Kind) Corrigee() bool { return k == KindCorrigeeAvecLoyer || k == KindCorrigeeSansLoyer }

// AvecLoyer reports whether the table carries loyers.
func (k Kind) AvecLoyer() bool { return k == KindAvecLoyer || k == KindCorrigeeAvecLoyer }

// Logement is one housing unit.
type Logement struct {
	ID                    int64
	UUID                  uuid.UUID
	Designation           string
	Typologie             string
	SurfaceHabitable      decimal.NullDecimal
	SurfaceCorrigee       decimal.NullDecimal
	SurfaceAnnexes        decimal.NullDecimal
	SurfaceAnnexesRetenue decimal.NullDecimal
	SurfaceUtile          decimal.NullDecimal
	LoyerParMetreCarre    decimal.NullDecimal
	Coeficient            decimal.NullDecimal
	Loyer                 decimal.NullDecimal
	ImportOrder           *int
	Annexes               []Annexe
}

// Kind is the table the logement belongs to, from the nullity of
// surface_corrigee and loyer.
func (l Logement) Kind() Kind {
	switch {
	case l.SurfaceCorrigee.Valid && l.Loyer.Valid:
		return KindCorrigeeAvecLoyer
	case l.SurfaceCorrigee.Valid:
		return KindCorrigeeSansLoyer
	case l.Loyer.Valid:
		return KindAvecLoyer
	}
	return KindSansLoyer
}

// Annexe is a private annexe of a logement.
type Annexe struct {
	ID                        int64
	UUID                      uuid.UUID
	Typologie                 string
	SurfaceHorsSurfaceRetenue decimal.Decimal
	LoyerParMetreCarre        decimal.Decimal
	Loyer                     decimal.Decimal
}

// LocalCollectif is a shared room of a foyer or résidence.
type LocalCollectif struct {
	ID               int64
	UUID             uuid.UUID
	TypeLocal        string
	SurfaceHabitable decimal.Decimal
	Nombre           int
}

// Stationnement is a parking offer of a lot.
type Stationnement struct {
	ID               int64
	UUID             uuid.UUID
	Typologie        string
	NbStationnements int
	Loyer            decimal.Decimal
}

// Pret is a loan or subsidy of a lot.
type Pret struct {
	ID         int64
	UUID       uuid.UUID
	Preteur    string
	Autre      string
	DateOctroi Date
	Numero     string
	Duree      *int
	Montant    decimal.Decimal
}

// ReferenceCadastrale is a cadastral parcel of the programme.
type ReferenceCadastrale struct {
	ID      int64
	UUID    uuid.UUID
	Section string
	Numero  string
	Lieudit string
	Surface string
	Autre   string
}

// LogementEDD is a row of the programme's EDD simplifié.
type LogementEDD struct {
	ID          int64
	UUID        uuid.UUID
	Designation string
	Financement string
	NumeroLot   string
}

// ErrNotFound is returned when the convention does not exist.
var ErrNotFound = errors.New("convention introuvable")

// Logements lists the logements of every lot of one kind, lot by lot.
func (c *Content) Logements(k Kind) []LogementOfLot {
	var out []LogementOfLot
	for i := range c.Lots {
		for _, lg := range c.Lots[i].Logements {
			if lg.Kind() == k {
				out = append(out, LogementOfLot{Logement: lg, Financement: c.Lots[i].Financement, LotUUID: c.Lots[i].UUID})
			}
		}
	}
	return out
}

// LogementOfLot is a logement with the financement of its lot.
type LogementOfLot struct {
	Logement
	Financement string
	LotUUID     uuid.UUID
}

// LotOf returns the lot of a financement (nil when the convention has
// none).
func (c *Content) LotOf(financement string) *Lot {
	for i := range c.Lots {
		if c.Lots[i].Financement == financement {
			return &c.Lots[i]
		}
	}
	return nil
}

// Financements lists the financements of the convention's lots, in lot
// order.
func (c *Content) Financements() []string {
	out := make([]string, len(c.Lots))
	for i, l := range c.Lots {
		out[i] = l.Financement
	}
	return out
}

// IsMixte reports whether the convention has several lots.
func (c *Content) IsMixte() bool { return len(c.Lots) > 1 }

// NbLogements is Σ nb_logements of the lots (NULLs ignored).
func (c *Content) NbLogements() int {
	n := 0
	for _, l := range c.Lots {
		if l.NbLogements != nil {
			n += *l.NbLogements
		}
	}
	return n
}

const selectContent = `
SELECT c.id, c.uuid, c.parent_id, c.statut,
  COALESCE((SELECT array_agg(t.nom ORDER BY t.nom) FROM conventions_convention_avenant_types cat
            JOIN conventions_avenanttype t ON t.id = cat.avenanttype_id WHERE cat.convention_id = c.id), '{}'),
  COALESCE(c.signataire_nom, ''), COALESCE(c.signataire_fonction, ''), c.signataire_date_deliberation,
  COALESCE(c.signataire_bloc_signature, ''), c.identification_bailleur, COALESCE(c.identification_bailleur_detail, ''),
  COALESCE(c.gestionnaire, ''), COALESCE(c.gestionnaire_signataire_nom, ''), COALESCE(c.gestionnaire_signataire_fonction, ''),
  c.gestionnaire_signataire_date_deliberation, COALESCE(c.gestionnaire_signataire_bloc_signature, ''),
  COALESCE(c.gestionnaire_bloc_info_complementaire, ''),
  COALESCE(c.adresse, ''), c.date_fin_conventionnement, c.fond_propre, COALESCE(c.historique_financement_public, ''),
  c.attribution_agees_autonomie, c.attribution_agees_ephad, c.attribution_agees_desorientees, c.attribution_agees_petite_unite,
  c.attribution_agees_autre, COALESCE(c.attribution_agees_autre_detail, ''),
  c.attribution_handicapes_foyer, c.attribution_handicapes_foyer_de_vie, c.attribution_handicapes_foyer_medicalise,
  c.attribution_handicapes_autre, COALESCE(c.attribution_handicapes_autre_detail, ''),
  COALESCE(c.attribution_inclusif_conditions_specifiques, ''), COALESCE(c.attribution_inclusif_conditions_admission, ''),
  COALESCE(c.attribution_inclusif_modalites_attribution, ''), COALESCE(c.attribution_inclusif_partenariats, ''),
  COALESCE(c.attribution_inclusif_activites, ''), c.attribution_reservation_prefectorale,
  COALESCE(c.attribution_modalites_reservations, ''), COALESCE(c.attribution_modalites_choix_personnes, ''),
  COALESCE(c.attribution_prestations_integrees, ''), COALESCE(c.attribution_prestations_facultatives, ''),
  c.attribution_residence_sociale_ordinaire, c.attribution_pension_de_famille, c.attribution_residence_accueil,
  c.foyer_residence_variante_1, c.foyer_residence_variante_2, COALESCE(c.foyer_residence_variante_2_travaux, ''),
  c.foyer_residence_variante_2_nb_tranches, c.foyer_residence_variante_2_nb_annees, c.foyer_residence_variante_3,
  COALESCE(c.commentaires, ''), COALESCE(c.attached, ''), COALESCE(c.champ_libre_avenant, ''), COALESCE(c.type1and2, ''),
  (SELECT pc.televersement_convention_signee_le FROM conventions_convention pc WHERE pc.id = c.parent_id),
  COALESCE((SELECT array_agg(DISTINCT l.financement ORDER BY l.financement) FROM programmes_lot l
            JOIN conventions_convention pc ON pc.id = l.convention_id WHERE pc.programme_id = c.programme_id), '{}'),
  p.id, p.uuid, p.parent_id, p.nom, p.numero_operation, p.adresse, p.code_postal, p.ville,
  p.code_insee_commune, p.code_insee_departement, p.code_insee_region, COALESCE(p.zone_123, ''), COALESCE(p.zone_abc, ''),
  p.type_operation, p.nature_logement, p.anru, p.anah, p.seconde_vie, p.nb_locaux_commerciaux, p.nb_bureaux,
  p.autres_locaux_hors_convention, p.administration_id, COALESCE(a.nom, ''), COALESCE(a.code, ''),
  p.permis_construire, p.date_acte_notarie, p.date_achevement_previsible, p.date_achat, p.date_achevement,
  p.date_achevement_compile, p.date_autorisation_hors_habitat_inclusif, p.date_convention_location,
  p.date_residence_argement_gestionnaire_intermediation, p.departement_residence_argement_gestionnaire_intermediation,
  p.ville_signature_residence_agrement_gestionnaire_intermediation,
  p.vendeur, p.acquereur, p.reference_notaire, p.reference_publication_acte,
  p.acte_de_propriete, p.effet_relatif, p.certificat_adressage, p.reference_cadastrale,
  p.edd_volumetrique, p.mention_publication_edd_volumetrique, p.edd_classique, p.mention_publication_edd_classique,
  p.edd_stationnements,
  b.id, b.uuid, b.nom, b.siret, COALESCE(b.siren, ''), b.nature_bailleur, COALESCE(b.adresse, ''),
  COALESCE(b.code_postal, ''), COALESCE(b.ville, ''), COALESCE(b.signataire_nom, ''), COALESCE(b.signataire_fonction, ''),
  b.signataire_date_deliberation, COALESCE(b.signataire_bloc_signature, '')
FROM conventions_convention c
JOIN programmes_programme p ON p.id = c.programme_id
JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
LEFT JOIN instructeurs_administration a ON a.id = p.administration_id
WHERE c.id = $1`

// Load reads the content of the convention id: the convention row with
// its programme and bailleur, then one query per kind of row (lots,
// logements, annexes, locaux collectifs, stationnements, prêts,
// références cadastrales, EDD), nine queries in all.
func Load(ctx context.Context, q Querier, conventionID int64) (*Content, error) {
	c := &Content{}
	cv, p, b := &c.Convention, &c.Programme, &c.Bailleur
	var commentaires, vendeur, acquereur, refNotaire, refPub, eddVol, eddCla, eddSta string
	err := q.QueryRow(ctx, selectContent, conventionID).Scan(
		&cv.ID, &cv.UUID, &cv.ParentID, &cv.Statut, &cv.AvenantTypes,
		&cv.SignataireNom, &cv.SignataireFonction, &cv.SignataireDateDeliberation,
		&cv.SignataireBlocSignature, &cv.IdentificationBailleur, &cv.IdentificationBailleurDetail,
		&cv.Gestionnaire, &cv.GestionnaireSignataireNom, &cv.GestionnaireSignataireFonction,
		&cv.GestionnaireSignataireDateDeliberation, &cv.GestionnaireSignataireBlocSignature,
		&cv.GestionnaireBlocInfoComplementaire,
		&cv.Adresse, &cv.DateFinConventionnement, &cv.FondPropre, &cv.HistoriqueFinancementPublic,
		&cv.AttributionAgeesAutonomie, &cv.AttributionAgeesEphad, &cv.AttributionAgeesDesorientees, &cv.AttributionAgeesPetiteUnite,
		&cv.AttributionAgeesAutre, &cv.AttributionAgeesAutreDetail,
		&cv.AttributionHandicapesFoyer, &cv.AttributionHandicapesFoyerDeVie, &cv.AttributionHandicapesFoyerMedicalise,
		&cv.AttributionHandicapesAutre, &cv.AttributionHandicapesAutreDetail,
		&cv.AttributionInclusifConditionsSpecifiques, &cv.AttributionInclusifConditionsAdmission,
		&cv.AttributionInclusifModalitesAttribution, &cv.AttributionInclusifPartenariats,
		&cv.AttributionInclusifActivites, &cv.AttributionReservationPrefectorale,
		&cv.AttributionModalitesReservations, &cv.AttributionModalitesChoixPersonnes,
		&cv.AttributionPrestationsIntegrees, &cv.AttributionPrestationsFacultatives,
		&cv.AttributionResidenceSocialeOrdinaire, &cv.AttributionPensionDeFamille, &cv.AttributionResidenceAccueil,
		&cv.Variante1, &cv.Variante2, &cv.Variante2Travaux,
		&cv.Variante2NbTranches, &cv.Variante2NbAnnees, &cv.Variante3,
		&commentaires, &cv.Attached, &cv.ChampLibreAvenant, &cv.Type1and2,
		&c.ParentSigneeLe, &c.ProgrammeFinancements,
		&p.ID, &p.UUID, &p.ParentID, &p.Nom, &p.NumeroOperation, &p.Adresse, &p.CodePostal, &p.Ville,
		&p.CodeInseeCommune, &p.CodeInseeDepartement, &p.CodeInseeRegion, &p.Zone123, &p.ZoneABC,
		&p.TypeOperation, &p.NatureLogement, &p.Anru, &p.Anah, &p.SecondeVie, &p.NbLocauxCommerciaux, &p.NbBureaux,
		&p.AutresLocauxHorsConvention, &p.AdministrationID, &p.AdministrationNom, &p.AdministrationCode,
		&p.PermisConstruire, &p.DateActeNotarie, &p.DateAchevementPrevisible, &p.DateAchat, &p.DateAchevement,
		&p.DateAchevementCompile, &p.DateAutorisationHorsHabitat, &p.DateConventionLocation,
		&p.DateResidenceAgrement, &p.DepartementResidenceAgrement, &p.VilleSignatureResidenceAgrement,
		&vendeur, &acquereur, &refNotaire, &refPub,
		&p.ActeDePropriete, &p.EffetRelatif, &p.CertificatAdressage, &p.ReferenceCadastrale,
		&eddVol, &p.MentionEDDVolumetrique, &eddCla, &p.MentionEDDClassique, &eddSta,
		&b.ID, &b.UUID, &b.Nom, &b.Siret, &b.Siren, &b.NatureBailleur, &b.Adresse,
		&b.CodePostal, &b.Ville, &b.SignataireNom, &b.SignataireFonction,
		&b.SignataireDateDeliberation, &b.SignataireBlocSignature)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("lecture du contenu de la convention : %w", err)
	}
	cv.Commentaires = ParseTextFiles(commentaires)
	p.Vendeur, p.Acquereur = ParseTextFiles(vendeur), ParseTextFiles(acquereur)
	p.ReferenceNotaire, p.ReferencePublicationActe = ParseTextFiles(refNotaire), ParseTextFiles(refPub)
	p.EDDVolumetrique, p.EDDClassique, p.EDDStationnements = ParseTextFiles(eddVol), ParseTextFiles(eddCla), ParseTextFiles(eddSta)

	if err := c.loadLots(ctx, q); err != nil {
		return nil, err
	}
	if err := c.loadProgrammeRows(ctx, q); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Content) loadLots(ctx context.Context, q Querier) error {
	rows, err := q.Query(ctx, `SELECT id, uuid, financement, type_habitat, nb_logements, lgts_mixite_sociale_negocies,
		loyer_derogatoire, surface_habitable_totale, surface_locaux_collectifs_residentiels, loyer_associations_foncieres,
		foyer_residence_nb_garage_parking, COALESCE(foyer_residence_dependance, ''), COALESCE(foyer_residence_locaux_hors_convention, ''),
		annexe_caves, annexe_soussols, annexe_remises, annexe_ateliers, annexe_sechoirs, annexe_celliers,
		annexe_resserres, annexe_combles, annexe_balcons, annexe_loggias, annexe_terrasses
		FROM programmes_lot WHERE convention_id = $1 ORDER BY id`, c.Convention.ID)
	if err != nil {
		return err
	}
	idx := map[int64]int{}
	for rows.Next() {
		var l Lot
		ann := make([]bool, len(AnnexeOptions))
		if err := rows.Scan(&l.ID, &l.UUID, &l.Financement, &l.TypeHabitat, &l.NbLogements, &l.LgtsMixiteSocialeNegocies,
			&l.LoyerDerogatoire, &l.SurfaceHabitableTotale, &l.SurfaceLocauxCollectifsResidentiel, &l.LoyerAssociationsFoncieres,
			&l.FoyerResidenceNbGarageParking, &l.FoyerResidenceDependance, &l.FoyerResidenceLocauxHorsConvention,
			&ann[0], &ann[1], &ann[2], &ann[3], &ann[4], &ann[5], &ann[6], &ann[7], &ann[8], &ann[9], &ann[10]); err != nil {
			rows.Close()
			return err
		}
		l.Annexes = make(map[string]bool, len(AnnexeOptions))
		for i, o := range AnnexeOptions {
			l.Annexes[o.Code] = ann[i]
		}
		idx[l.ID] = len(c.Lots)
		c.Lots = append(c.Lots, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(c.Lots) == 0 {
		return nil
	}
	ids := make([]int64, len(c.Lots))
	for i, l := range c.Lots {
		ids[i] = l.ID
	}

	// Numerics are read as text: parsing the text is several times faster
	// than pgx's numeric → database/sql Scanner path, on hundreds of rows.
	rows, err = q.Query(ctx, `SELECT lot_id, id, uuid, designation, typologie, surface_habitable::text, surface_corrigee::text,
		surface_annexes::text, surface_annexes_retenue::text, surface_utile::text, loyer_par_metre_carre::text, coeficient::text,
		loyer::text, import_order
		FROM programmes_logement WHERE lot_id = ANY($1) ORDER BY lot_id, import_order NULLS LAST, id`, ids)
	if err != nil {
		return err
	}
	type at struct{ lot, pos int }
	logIdx := map[int64]at{}
	for rows.Next() {
		var lot int64
		var lg Logement
		var n [8]*string
		if err := rows.Scan(&lot, &lg.ID, &lg.UUID, &lg.Designation, &lg.Typologie, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6],
			&n[7], &lg.ImportOrder); err != nil {
			rows.Close()
			return err
		}
		for i, d := range []*decimal.NullDecimal{&lg.SurfaceHabitable, &lg.SurfaceCorrigee, &lg.SurfaceAnnexes,
			&lg.SurfaceAnnexesRetenue, &lg.SurfaceUtile, &lg.LoyerParMetreCarre, &lg.Coeficient, &lg.Loyer} {
			if n[i] != nil {
				if d.Decimal, err = decimal.NewFromString(*n[i]); err != nil {
					rows.Close()
					return err
				}
				d.Valid = true
			}
		}
		i := idx[lot]
		logIdx[lg.ID] = at{i, len(c.Lots[i].Logements)}
		c.Lots[i].Logements = append(c.Lots[i].Logements, lg)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT a.logement_id, a.id, a.uuid, a.typologie, a.surface_hors_surface_retenue,
		a.loyer_par_metre_carre, a.loyer
		FROM programmes_annexe a JOIN programmes_logement lg ON lg.id = a.logement_id
		WHERE lg.lot_id = ANY($1) ORDER BY a.id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lg int64
		var a Annexe
		if err := rows.Scan(&lg, &a.ID, &a.UUID, &a.Typologie, &a.SurfaceHorsSurfaceRetenue, &a.LoyerParMetreCarre, &a.Loyer); err != nil {
			rows.Close()
			return err
		}
		p := logIdx[lg]
		l := &c.Lots[p.lot].Logements[p.pos]
		l.Annexes = append(l.Annexes, a)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT lot_id, id, uuid, type_local, surface_habitable, nombre
		FROM programmes_locauxcollectifs WHERE lot_id = ANY($1) ORDER BY lot_id, id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot int64
		var x LocalCollectif
		if err := rows.Scan(&lot, &x.ID, &x.UUID, &x.TypeLocal, &x.SurfaceHabitable, &x.Nombre); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		c.Lots[i].LocauxCollectifs = append(c.Lots[i].LocauxCollectifs, x)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT lot_id, id, uuid, typologie, nb_stationnements, loyer
		FROM programmes_typestationnement WHERE lot_id = ANY($1) ORDER BY lot_id, id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot int64
		var x Stationnement
		if err := rows.Scan(&lot, &x.ID, &x.UUID, &x.Typologie, &x.NbStationnements, &x.Loyer); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		c.Lots[i].Stationnements = append(c.Lots[i].Stationnements, x)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT lot_id, id, uuid, preteur, COALESCE(autre, ''), date_octroi, COALESCE(numero, ''), duree, montant
		FROM conventions_pret WHERE lot_id = ANY($1) ORDER BY lot_id, id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot int64
		var x Pret
		if err := rows.Scan(&lot, &x.ID, &x.UUID, &x.Preteur, &x.Autre, &x.DateOctroi, &x.Numero, &x.Duree, &x.Montant); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		c.Lots[i].Prets = append(c.Lots[i].Prets, x)
	}
	return rows.Err()
}

func (c *Content) loadProgrammeRows(ctx context.Context, q Querier) error {
	rows, err := q.Query(ctx, `SELECT id, uuid, section, numero, lieudit, surface, autre
		FROM programmes_referencecadastrale WHERE programme_id = $1 ORDER BY section, numero, id`, c.Programme.ID)
	if err != nil {
		return err
	}
	if c.ReferencesCadastrales, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ReferenceCadastrale]); err != nil {
		return err
	}
	rows, err = q.Query(ctx, `SELECT id, uuid, designation, financement, numero_lot
		FROM programmes_logementedd WHERE programme_id = $1 ORDER BY id`, c.Programme.ID)
	if err != nil {
		return err
	}
	c.EDD, err = pgx.CollectRows(rows, pgx.RowToStructByPos[LogementEDD])
	return err
}
