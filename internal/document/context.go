package document

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/docx"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// The rendering context (spec workflows §6.3): the objects the
// reference's templates read, under the reference's names. Each view
// exposes the columns of its table under their Django names (the docx
// renderer answers field NumeroOperation to numero_operation) and the
// methods the reference's models offered (get_<field>_display(),
// is_avenant(), preteur_display(), edd_classique_text()...). Dates are
// time.Time (the zero time prints as None), amounts and surfaces decimals.

// day is a stored calendar date as the date filters take it.
func day(d programme.Date) time.Time { return d.Time() }

// conventionView is `convention`.
type conventionView struct {
	Numero                                 string
	Statut                                 string
	DateFinConventionnement                time.Time
	SignataireDateDeliberation             time.Time
	GestionnaireSignataireDateDeliberation time.Time
	DateDenonciation                       time.Time
	MotifDenonciation                      string
	DateResiliation                        time.Time
	MotifResiliation                       string
	DescAvenant                            string
	ValideLe                               time.Time
	TeleversementConventionSigneeLe        time.Time
	Commentaires                           string
	FoyerResidenceVariante1                bool
	FoyerResidenceVariante2                bool
	FoyerResidenceVariante2Travaux         string
	FoyerResidenceVariante2NbTranches      *int
	FoyerResidenceVariante2NbAnnees        *int
	FoyerResidenceVariante3                bool
	UUID                                   string
	str                                    string
	// The other columns of the form, under their own names (declared
	// last: the fields above take precedence).
	programme.ConventionFields
}

func (c *conventionView) String() string { return c.str }

// IsDenonciation and IsResiliation: the avenant ends the convention.
func (c *conventionView) IsDenonciation() bool { return c.HasType(convention.TypeDenonciation) }
func (c *conventionView) IsResiliation() bool  { return c.HasType(convention.TypeResiliation) }

// GetType1and2Display is "Type I" or "Type II".
func (c *conventionView) GetType1and2Display() string {
	return programme.Types1and2.Label(c.ConventionFields.Type1and2)
}

// bailleurView is `bailleur`.
type bailleurView struct {
	Nom                        string
	Siret                      string
	Siren                      string
	CapitalSocial              *float64
	Adresse                    string
	CodePostal                 string
	Ville                      string
	NatureBailleur             string
	SousNatureBailleur         string
	SignataireNom              string
	SignataireFonction         string
	SignataireDateDeliberation time.Time
	SignataireBlocSignature    string
}

func (b *bailleurView) String() string { return b.Nom }

// GetSousNatureBailleurDisplay is the sous-nature's label.
func (b *bailleurView) GetSousNatureBailleurDisplay() string {
	return programme.SousNaturesBailleur.Label(b.SousNatureBailleur)
}

// IsHlm, IsSem, IsType1and2: the bailleur families of spec §6.1.
func (b *bailleurView) IsHlm() bool       { return b.NatureBailleur == "HLM" }
func (b *bailleurView) IsSem() bool       { return b.NatureBailleur == "SEM" }
func (b *bailleurView) IsType1and2() bool { return !b.IsHlm() && !b.IsSem() }

// administrationView is `administration`.
type administrationView struct {
	Nom                     string
	Code                    string
	Adresse                 string
	CodePostal              string
	Ville                   string
	VilleSignature          string
	NbConventionExemplaires int
	SignataireBlocSignature string
}

func (a *administrationView) String() string { return fmt.Sprintf("%s (%s)", a.Nom, a.Code) }

// GetVilleSignatureOrEmpty is the city of signature, or a blank to fill
// in by hand (data-model §4).
func (a *administrationView) GetVilleSignatureOrEmpty() string {
	if strings.TrimSpace(a.VilleSignature) == "" {
		return strings.Repeat(" ", 30)
	}
	return a.VilleSignature
}

// programmeView is `programme`.
type programmeView struct {
	DateActeNotarie                                           time.Time
	DateAchevementPrevisible                                  time.Time
	DateAchat                                                 time.Time
	DateAchevement                                            time.Time
	DateAchevementCompile                                     time.Time
	DateAutorisationHorsHabitatInclusif                       time.Time
	DateConventionLocation                                    time.Time
	DateResidenceArgementGestionnaireIntermediation           time.Time
	DepartementResidenceArgementGestionnaireIntermediation    string
	VilleSignatureResidenceAgrementGestionnaireIntermediation string
	Vendeur                                                   string
	Acquereur                                                 string
	ReferenceNotaire                                          string
	ReferencePublicationActe                                  string
	EddVolumetrique                                           string
	MentionPublicationEddVolumetrique                         string
	EddClassique                                              string
	MentionPublicationEddClassique                            string
	EddStationnements                                         string
	EffetRelatif                                              string
	NbLogements                                               int
	Bailleur                                                  *bailleurView
	Administration                                            *administrationView
	programme.Programme
}

func (p *programmeView) String() string { return p.Nom }

// The texts of the "text + files" fields.
func (p *programmeView) VendeurText() string                  { return p.Vendeur }
func (p *programmeView) AcquereurText() string                { return p.Acquereur }
func (p *programmeView) ReferenceNotaireText() string         { return p.ReferenceNotaire }
func (p *programmeView) ReferencePublicationActeText() string { return p.ReferencePublicationActe }
func (p *programmeView) EddVolumetriqueText() string          { return p.EddVolumetrique }
func (p *programmeView) EddClassiqueText() string             { return p.EddClassique }
func (p *programmeView) EddStationnementsText() string        { return p.EddStationnements }
func (p *programmeView) EffetRelatifText() string             { return p.EffetRelatif }

// Labels of the coded columns.
func (p *programmeView) GetTypeOperationDisplay() string {
	return programme.TypesOperation.Label(p.TypeOperation)
}
func (p *programmeView) GetNatureLogementDisplay() string {
	return programme.NaturesLogement.Label(p.NatureLogement)
}
func (p *programmeView) GetZone123Display() string { return programme.Zones123.Label(p.Zone123) }
func (p *programmeView) GetZoneAbcDisplay() string { return programme.ZonesABC.Label(p.ZoneABC) }

// lotView is an element of `lots`.
type lotView struct {
	Financement string
	TypeHabitat string
	NbLogements int
	AnnexeCaves, AnnexeSoussols, AnnexeRemises, AnnexeAteliers, AnnexeSechoirs, AnnexeCelliers,
	AnnexeResserres, AnnexeCombles, AnnexeBalcons, AnnexeLoggias, AnnexeTerrasses bool
	SurfaceLocauxCollectifsResidentiels decimal.Decimal
	programme.Lot
}

func (l *lotView) String() string { return l.Financement }

// GetFinancementDisplay and GetTypeHabitatDisplay are the labels.
func (l *lotView) GetFinancementDisplay() string { return programme.FinancementLabel(l.Financement) }
func (l *lotView) GetTypeHabitatDisplay() string { return programme.TypesHabitat.Label(l.TypeHabitat) }

// logementView is an element of `logements` (and the other logement lists).
type logementView struct {
	Financement string
	Lot         *lotView
	programme.Logement
}

func (l *logementView) String() string { return l.Designation }

// GetTypologieDisplay is the typologie's label.
func (l *logementView) GetTypologieDisplay() string { return programme.TypologieLabel(l.Typologie) }

// annexeView is an element of `annexes`.
type annexeView struct {
	Logement *logementView
	programme.Annexe
}

// GetTypologieDisplay is the annexe type's label.
func (a *annexeView) GetTypologieDisplay() string {
	return programme.TypologiesAnnexe.Label(a.Typologie)
}

// stationnementView is an element of `stationnements`.
type stationnementView struct {
	Lot *lotView
	programme.Stationnement
}

// GetTypologieDisplay is the stationnement type's label.
func (s *stationnementView) GetTypologieDisplay() string {
	return programme.TypologiesStationnement.Label(s.Typologie)
}

// localCollectifView is an element of `locaux_collectifs`.
type localCollectifView struct {
	Lot *lotView
	programme.LocalCollectif
}

// pretView is an element of `prets_cdc` and `autres_prets`.
type pretView struct {
	DateOctroi time.Time
	Lot        *lotView
	programme.Pret
}

// PreteurDisplay is the lender as printed.
func (p *pretView) PreteurDisplay() string { return programme.PreteurNom(p.Preteur, p.Autre) }

// GetPreteurDisplay is the lender's label.
func (p *pretView) GetPreteurDisplay() string { return programme.Preteurs.Label(p.Preteur) }

// logementEDDView is an element of `logement_edds`.
type logementEDDView struct {
	LotNum int
	programme.LogementEDD
}

// parentConvention is a convention replaced by a seconde-vie convention.
type parentConvention struct {
	Numero                          string
	ValideLe                        time.Time
	TeleversementConventionSigneeLe time.Time
}

// Context builds the rendering context of a convention document.
type views struct {
	conv      *conventionView
	bailleur  *bailleurView
	prog      *programmeView
	adm       *administrationView
	lots      []*lotView
	logements map[programme.Kind][]*logementView
}

func newViews(s *source, asSigned bool) *views {
	c := s.content
	v := &views{logements: map[programme.Kind][]*logementView{}}
	b := c.Bailleur
	v.bailleur = &bailleurView{
		Nom: b.Nom, Siret: b.Siret, Siren: b.Siren, CapitalSocial: s.capitalSocial, Adresse: b.Adresse,
		CodePostal: b.CodePostal, Ville: b.Ville, NatureBailleur: b.NatureBailleur, SousNatureBailleur: s.sousNature,
		SignataireNom: b.SignataireNom, SignataireFonction: b.SignataireFonction,
		SignataireDateDeliberation: day(b.SignataireDateDeliberation), SignataireBlocSignature: b.SignataireBlocSignature,
	}
	v.adm = s.adm
	if v.adm == nil {
		v.adm = &administrationView{NbConventionExemplaires: 3}
	}
	cf := c.Convention
	statut := cf.Statut
	if asSigned {
		statut = string(convention.ASigner)
	}
	// The convention's signatory, else the bailleur's (data-model §3).
	signataire := func(own, dflt string) string {
		if strings.TrimSpace(own) != "" {
			return own
		}
		return dflt
	}
	cf.SignataireNom = signataire(cf.SignataireNom, b.SignataireNom)
	cf.SignataireFonction = signataire(cf.SignataireFonction, b.SignataireFonction)
	cf.SignataireBlocSignature = signataire(cf.SignataireBlocSignature, b.SignataireBlocSignature)
	dateDelib := cf.SignataireDateDeliberation
	if dateDelib.IsZero() {
		dateDelib = b.SignataireDateDeliberation
	}
	v.conv = &conventionView{
		Numero: s.numero, Statut: statut,
		DateFinConventionnement:                day(cf.DateFinConventionnement),
		SignataireDateDeliberation:             day(dateDelib),
		GestionnaireSignataireDateDeliberation: day(cf.GestionnaireSignataireDateDeliberation),
		DateDenonciation:                       s.dateDenonciation, MotifDenonciation: s.motifDenonciation,
		DateResiliation: s.dateResiliation, MotifResiliation: s.motifResiliation,
		DescAvenant: s.descAvenant, ValideLe: s.valideLe, TeleversementConventionSigneeLe: s.signeeLe,
		Commentaires:                      cf.Commentaires.Text,
		FoyerResidenceVariante1:           cf.Variante1,
		FoyerResidenceVariante2:           cf.Variante2,
		FoyerResidenceVariante2Travaux:    cf.Variante2Travaux,
		FoyerResidenceVariante2NbTranches: cf.Variante2NbTranches,
		FoyerResidenceVariante2NbAnnees:   cf.Variante2NbAnnees,
		FoyerResidenceVariante3:           cf.Variante3,
		UUID:                              cf.UUID.String(),
		ConventionFields:                  cf,
	}
	p := c.Programme
	v.prog = &programmeView{
		DateActeNotarie: day(p.DateActeNotarie), DateAchevementPrevisible: day(p.DateAchevementPrevisible),
		DateAchat: day(p.DateAchat), DateAchevement: day(p.DateAchevement), DateAchevementCompile: day(p.DateAchevementCompile),
		DateAutorisationHorsHabitatInclusif: day(p.DateAutorisationHorsHabitat), DateConventionLocation: day(p.DateConventionLocation),
		DateResidenceArgementGestionnaireIntermediation:           day(p.DateResidenceAgrement),
		DepartementResidenceArgementGestionnaireIntermediation:    p.DepartementResidenceAgrement,
		VilleSignatureResidenceAgrementGestionnaireIntermediation: p.VilleSignatureResidenceAgrement,
		Vendeur: p.Vendeur.Text, Acquereur: p.Acquereur.Text, ReferenceNotaire: p.ReferenceNotaire.Text,
		ReferencePublicationActe: p.ReferencePublicationActe.Text,
		EddVolumetrique:          p.EDDVolumetrique.Text, MentionPublicationEddVolumetrique: p.MentionEDDVolumetrique,
		EddClassique: p.EDDClassique.Text, MentionPublicationEddClassique: p.MentionEDDClassique,
		EddStationnements: p.EDDStationnements.Text, EffetRelatif: programme.ParseTextFiles(p.EffetRelatif).Text,
		NbLogements: c.NbLogements(), Bailleur: v.bailleur, Administration: v.adm,
		Programme: p,
	}
	v.conv.str = conventionString(c)
	for i := range c.Lots {
		l := c.Lots[i]
		lv := &lotView{Financement: l.Financement, TypeHabitat: l.TypeHabitat,
			SurfaceLocauxCollectifsResidentiels: l.SurfaceLocauxCollectifsResidentiel, Lot: l}
		if l.NbLogements != nil {
			lv.NbLogements = *l.NbLogements
		}
		a := l.Annexes
		lv.AnnexeCaves, lv.AnnexeSoussols, lv.AnnexeRemises = a["annexe_caves"], a["annexe_soussols"], a["annexe_remises"]
		lv.AnnexeAteliers, lv.AnnexeSechoirs, lv.AnnexeCelliers = a["annexe_ateliers"], a["annexe_sechoirs"], a["annexe_celliers"]
		lv.AnnexeResserres, lv.AnnexeCombles, lv.AnnexeBalcons = a["annexe_resserres"], a["annexe_combles"], a["annexe_balcons"]
		lv.AnnexeLoggias, lv.AnnexeTerrasses = a["annexe_loggias"], a["annexe_terrasses"]
		v.lots = append(v.lots, lv)
	}
	return v
}

// conventionString is str(convention) of the reference (spec §6.4):
// programme ville, programme nom, then per lot "<n> lgts", type habitat
// label, financement code.
func conventionString(c *programme.Content) string {
	parts := []string{c.Programme.Ville, c.Programme.Nom}
	for _, l := range c.Lots {
		n := 0
		if l.NbLogements != nil {
			n = *l.NbLogements
		}
		parts = append(parts, fmt.Sprintf("%d lgts", n), programme.TypesHabitat.Label(l.TypeHabitat), l.Financement)
	}
	return strings.Join(parts, " - ")
}

// totals are Σ SH, SA, SAR, SU, SC and loyer of logements.
type totals struct{ sh, sa, sar, su, sc, loyer decimal.Decimal }

func (t *totals) add(l programme.Logement) {
	t.sh = t.sh.Add(l.SurfaceHabitable.Decimal)
	t.sa = t.sa.Add(l.SurfaceAnnexes.Decimal)
	t.sar = t.sar.Add(l.SurfaceAnnexesRetenue.Decimal)
	t.su = t.su.Add(l.SurfaceUtile.Decimal)
	t.sc = t.sc.Add(l.SurfaceCorrigee.Decimal)
	t.loyer = t.loyer.Add(l.Loyer.Decimal)
}

func (t totals) put(ctx map[string]any, prefix string) {
	ctx[prefix+"sh_totale"] = t.sh
	ctx[prefix+"sa_totale"] = t.sa
	ctx[prefix+"sar_totale"] = t.sar
	ctx[prefix+"su_totale"] = t.su
	ctx[prefix+"sc_totale"] = t.sc
	ctx[prefix+"loyer_total"] = t.loyer
}

// roundHalfUp rounds x to the nearest integer, halves up.
func roundHalfUp(x float64) int { return int(math.Floor(x + 0.5)) }

// mixite are the mixité figures of spec §6.3.
func mixite(c *programme.Content) map[string]int {
	n, any := 0, false
	for _, l := range c.Lots {
		if programme.HasMixiteOption(l.Financement) {
			any = true
			if l.NbLogements != nil {
				n += *l.NbLogements
			}
		}
	}
	m := map[string]int{"mixPLUS_10pc": 0, "mixPLUS_30pc": 0, "mixPLUSinf10_30pc": 0, "mixPLUSinf10_10pc": 0, "mixPLUSsup10_30pc": 0}
	if !any {
		return m
	}
	f := float64(n)
	m["mixPLUSinf10_30pc"] = roundHalfUp(0.3 * f)
	m["mixPLUSinf10_10pc"] = roundHalfUp(0.1 * f)
	m["mixPLUSsup10_30pc"] = int(math.Ceil(0.3 * f))
	if n < 10 {
		m["mixPLUS_10pc"] = roundHalfUp(0.1 * f)
		m["mixPLUS_30pc"] = roundHalfUp(0.3 * f)
	} else {
		m["mixPLUS_10pc"] = int(math.Floor(0.1 * f))
		m["mixPLUS_30pc"] = int(math.Ceil(0.3 * f))
	}
	return m
}

// contextOf builds the context of a convention document (spec §6.3).
func contextOf(s *source, imgs map[string][]docx.Image, opt options) map[string]any {
	c := s.content
	v := newViews(s, opt.withoutFiligrane)
	ctx := map[string]any{
		"convention":     v.conv,
		"bailleur":       v.bailleur,
		"programme":      v.prog,
		"administration": v.adm,
		"outre_mer":      c.Programme.IsOutreMer(),
		"adresse":        c.Adresse(),
		"code_postal":    c.Programme.CodePostal,
		"ville":          c.Programme.Ville,
	}
	lots := v.lots
	ctx["lots"] = lots
	if len(lots) > 0 {
		ctx["lot"] = lots[0]
	}

	// Logements of every kind, lot by lot, by import order.
	var all totals
	byFin := map[string]*totals{}
	parType := map[string]int{}
	for _, k := range programme.Kinds {
		v.logements[k] = []*logementView{}
	}
	var annexes []*annexeView
	var stationnements []*stationnementView
	var prets, cdc, autres []*pretView
	for i, l := range c.Lots {
		lv := lots[i]
		t := byFin[l.Financement]
		if t == nil {
			t = &totals{}
			byFin[l.Financement] = t
		}
		for _, lg := range l.Logements {
			view := &logementView{Financement: l.Financement, Lot: lv, Logement: lg}
			v.logements[lg.Kind()] = append(v.logements[lg.Kind()], view)
			all.add(lg)
			t.add(lg)
			parType[programme.TypologieLabel(lg.Typologie)]++
			for _, a := range lg.Annexes {
				annexes = append(annexes, &annexeView{Logement: view, Annexe: a})
			}
		}
		for _, st := range l.Stationnements {
			stationnements = append(stationnements, &stationnementView{Lot: lv, Stationnement: st})
		}
		for _, p := range l.Prets {
			pv := &pretView{DateOctroi: day(p.DateOctroi), Lot: lv, Pret: p}
			prets = append(prets, pv)
			if programme.IsCDC(p.Preteur) {
				cdc = append(cdc, pv)
			} else {
				autres = append(autres, pv)
			}
		}
	}
	ctx["logements"] = v.logements[programme.KindAvecLoyer]
	ctx["logements_sans_loyer"] = v.logements[programme.KindSansLoyer]
	ctx["logements_corrigee"] = v.logements[programme.KindCorrigeeAvecLoyer]
	ctx["logements_corrigee_sans_loyer"] = v.logements[programme.KindCorrigeeSansLoyer]
	ctx["annexes"] = annexes
	ctx["stationnements"] = stationnements
	ctx["prets"] = prets
	ctx["prets_cdc"] = cdc
	ctx["autres_prets"] = autres
	all.put(ctx, "")
	for _, f := range []string{"PLS", "PLUS", "PLAI"} {
		t := byFin[f]
		if t == nil {
			t = &totals{}
		}
		t.put(ctx, f+"_")
	}
	ctx["nb_logements_par_type"] = parType

	// Locaux collectifs and surfaces of the first lot / all lots.
	var locaux []*localCollectifView
	lcSH := decimal.Zero
	shTotale := decimal.Zero
	slcr := decimal.Zero
	garages := 0
	loyerAF := decimal.NullDecimal{}
	for i, l := range c.Lots {
		for _, lc := range l.LocauxCollectifs {
			locaux = append(locaux, &localCollectifView{Lot: lots[i], LocalCollectif: lc})
			if i == 0 {
				lcSH = lcSH.Add(lc.SurfaceHabitable.Mul(decimal.NewFromInt(int64(lc.Nombre))))
			}
		}
		shTotale = shTotale.Add(l.SurfaceHabitableTotale.Decimal)
		slcr = slcr.Add(l.SurfaceLocauxCollectifsResidentiel)
		if l.FoyerResidenceNbGarageParking != nil {
			garages += *l.FoyerResidenceNbGarageParking
		}
		if l.LoyerAssociationsFoncieres.Valid && (!loyerAF.Valid || l.LoyerAssociationsFoncieres.Decimal.GreaterThan(loyerAF.Decimal)) {
			loyerAF = l.LoyerAssociationsFoncieres
		}
	}
	ctx["locaux_collectifs"] = locaux
	ctx["lc_sh_totale"] = lcSH
	ctx["res_sh_totale"] = lcSH.Add(all.sh)
	ctx["surface_habitable_totale"] = shTotale
	ctx["surface_locaux_collectifs_residentiels"] = slcr
	ctx["nombre_garage"] = garages
	ctx["loyer_max_associations_foncieres"] = loyerAF

	// Loyer par m² of the first logement of the first lot.
	loyerM2 := decimal.Zero
	if len(c.Lots) > 0 && len(c.Lots[0].Logements) > 0 {
		loyerM2 = c.Lots[0].Logements[0].LoyerParMetreCarre.Decimal
	}
	ctx["loyer_m2"] = loyerM2

	if fin := c.Convention.DateFinConventionnement; !fin.IsZero() {
		ctx["nombre_annees_conventionnement"] = fin.Year - opt.today.Year()
	} else {
		ctx["nombre_annees_conventionnement"] = "---"
	}
	ctx["liste_des_annexes"] = listeDesAnnexes(annexes, stationnements)
	for k, n := range mixite(c) {
		ctx[k] = n
	}

	// Références cadastrales and EDD simplifié.
	ctx["references_cadastrales"] = c.ReferencesCadastrales
	edds, lotNum := logementEDDs(c)
	ctx["logement_edds"] = edds
	ctx["lot_num"] = lotNum

	for _, name := range imageFields {
		ctx[name+"_images"] = imgs[name]
		if ctx[name+"_images"] == nil {
			ctx[name+"_images"] = []docx.Image{}
		}
	}

	avenantContext(ctx, s, v)
	ctx["conventions_parentes"] = s.secondeVieParents
	return ctx
}

// listeDesAnnexes is "<n> annexe(s) de type <label>" per annexe typologie,
// then "<n> stationnement(s) de type <label>", comma-joined (spec §6.3).
func listeDesAnnexes(annexes []*annexeView, stationnements []*stationnementView) string {
	var parts []string
	count := map[string]int{}
	var order []string
	for _, a := range annexes {
		if count[a.Typologie] == 0 {
			order = append(order, a.Typologie)
		}
		count[a.Typologie]++
	}
	for _, t := range order {
		parts = append(parts, fmt.Sprintf("%d annexe(s) de type %s", count[t], strings.ToLower(programme.TypologiesAnnexe.Label(t))))
	}
	nb := map[string]int{}
	order = nil
	for _, s := range stationnements {
		if _, ok := nb[s.Typologie]; !ok {
			order = append(order, s.Typologie)
		}
		nb[s.Typologie] += s.NbStationnements
	}
	for _, t := range order {
		parts = append(parts, fmt.Sprintf("%d stationnement(s) de type %s", nb[t], strings.ToLower(programme.TypologiesStationnement.Label(t))))
	}
	return strings.Join(parts, ", ")
}

// logementEDDs orders the EDD simplifié by financement then designation,
// each row numbered by the rank of its financement group; lotNum is the
// rank of the convention's first lot's financement (spec §6.3).
func logementEDDs(c *programme.Content) ([]*logementEDDView, int) {
	rows := append([]programme.LogementEDD(nil), c.EDD...)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Financement != rows[j].Financement {
			return rows[i].Financement < rows[j].Financement
		}
		return rows[i].Designation < rows[j].Designation
	})
	var out []*logementEDDView
	rank := map[string]int{}
	for _, r := range rows {
		if _, ok := rank[r.Financement]; !ok {
			rank[r.Financement] = len(rank) + 1
		}
		out = append(out, &logementEDDView{LotNum: rank[r.Financement], LogementEDD: r})
	}
	lotNum := 0
	if len(c.Lots) > 0 {
		lotNum = rank[c.Lots[0].Financement]
	}
	if out == nil {
		out = []*logementEDDView{}
	}
	return out, lotNum
}

// avenantContext adds avenant_type_<nom> and the signatory split of an
// avenant: bailleur_*, signataire_*, identification_*, gestionnaire_*
// from the previous version, new_* from the avenant (spec §6.3).
func avenantContext(ctx map[string]any, s *source, v *views) {
	for _, t := range s.content.Convention.AvenantTypes {
		ctx["avenant_type_"+t] = true
	}
	cur := s.content
	prev := cur
	prevNumero := s.numero
	if s.previous != nil {
		prev = s.previous.content
		prevNumero = s.previous.numero
	}
	orDash := func(vals ...string) string {
		for _, x := range vals {
			if strings.TrimSpace(x) != "" {
				return x
			}
		}
		return "---"
	}
	dateOr := func(a, b programme.Date) time.Time {
		if !a.IsZero() {
			return a.Time()
		}
		return b.Time()
	}
	side := func(prefix string, c *programme.Content) {
		cv, b := c.Convention, c.Bailleur
		ctx[prefix+"bailleur_nom"] = b.Nom
		ctx[prefix+"bailleur_siret"] = b.Siret
		ctx[prefix+"bailleur_adresse"] = b.Adresse
		ctx[prefix+"bailleur_code_postal"] = b.CodePostal
		ctx[prefix+"bailleur_ville"] = b.Ville
		ctx[prefix+"signataire_nom"] = orDash(cv.SignataireNom, b.SignataireNom)
		ctx[prefix+"signataire_fonction"] = orDash(cv.SignataireFonction, b.SignataireFonction)
		ctx[prefix+"signataire_date_deliberation"] = dateOr(cv.SignataireDateDeliberation, b.SignataireDateDeliberation)
		ctx[prefix+"signataire_bloc_signature"] = orDash(cv.SignataireBlocSignature, b.SignataireBlocSignature)
		ctx[prefix+"gestionnaire"] = orDash(cv.Gestionnaire)
		ctx[prefix+"gestionnaire_signataire_nom"] = orDash(cv.GestionnaireSignataireNom)
		ctx[prefix+"gestionnaire_signataire_fonction"] = orDash(cv.GestionnaireSignataireFonction)
		ctx[prefix+"gestionnaire_signataire_date_deliberation"] = cv.GestionnaireSignataireDateDeliberation.Time()
		if prefix == "" {
			ctx["identification_bailleur"] = cv.IdentificationBailleur
			ctx["identification_bailleur_detail"] = cv.IdentificationBailleurDetail
		}
	}
	side("", prev)
	side("new_", cur)
	ctx["parent_bailleur"] = map[string]any{
		"nom": prev.Bailleur.Nom, "siret": prev.Bailleur.Siret, "adresse": prev.Bailleur.Adresse,
		"code_postal": prev.Bailleur.CodePostal, "ville": prev.Bailleur.Ville,
	}
	root := s.conv.ParentNumero
	if !s.conv.IsAvenant() {
		root = s.numero
	}
	ctx["parent_convention"] = map[string]any{
		"numero":                    root,
		"numero_version_precedente": prevNumero,
		"date_fin_conventionnement": prev.Convention.DateFinConventionnement.Time(),
		"programme_nom":             prev.Programme.Nom,
		"adresse":                   prev.Adresse(),
	}
}
