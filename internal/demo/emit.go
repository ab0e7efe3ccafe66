package demo

import (
	"fmt"
	"strings"
	"time"
)

// ---------------------------------------------------------------------------
// Phase 3: objects.

type convRec struct {
	pk                    int
	uuid                  string
	parent                *convRec
	progPK                int
	statut                string
	numero                string
	tl                    tline
	fondPropre            float64
	type1and2             any
	dateFin               time.Time
	avenantTypes          []int
	descAvenant           any
	commentaires          any
	motifDenonciation     any
	fichierDenonciation   any
	motifResiliation      any
	referenceSPF          any
	nomFichierSigne       any
	nomFichierPublication any
	signataireNom         string // the bailleur's signataire, as the Bailleur step proposes
	signataireFonction    string
	lots                  []*lotRec
}

var notaires = []string{"Maître Hélène Garcin", "Maître Julien Ravel", "Maître Sophie Audibert", "Maître Marc Bonifay"}

var sectionsCadastre = []string{"AB", "AC", "AK", "BD", "BK", "CH", "DN", "EW", "HL", "KT"}

func (g *generator) emitRootProgramme(p *progRec) {
	c := p.commune
	p.pk = g.nextPK("programmes.programme")
	adresse := fmt.Sprintf("%d %s", g.between(1, 120), g.pick(c.rues))
	numOp := fmt.Sprintf("%04d%02d%05d", p.cree.Year(), int(p.cree.Month()), p.index*37+1+g.rng.IntN(30))
	previsible := p.cree.AddDate(0, 18+g.rng.IntN(13), 0)
	var achevement time.Time
	if a := previsible.AddDate(0, 0, g.days(-30, 60)); a.Before(anchor) {
		achevement = a
	}
	compile := previsible
	if !achevement.IsZero() {
		compile = achevement
	}
	notaire := g.pick(notaires) + ", notaire à " + c.ville
	var vendeur, refNotaire, permis, refPublication string
	var dateActe, dateAchat time.Time
	switch p.plan.typeOperation {
	case "NEUF", "VEFA":
		permis = fmt.Sprintf("PC 0%s %s %02d S%04d", c.departement, c.codeInsee[2:], p.cree.Year()%100-1, g.between(10, 999))
	}
	switch p.plan.typeOperation {
	case "VEFA":
		vendeur = textFiles("SNC Provence Promotion, 40 boulevard de Paris, 13002 Marseille")
		dateActe = p.cree.AddDate(0, 0, g.days(20, 60))
		refNotaire = textFiles(notaire)
	case "ACQUISAMELIORATION":
		vendeur = textFiles("SCI " + g.pick(c.lieuxdits) + " Patrimoine")
		dateAchat = p.cree.AddDate(0, 0, -g.days(60, 200))
		dateActe = dateAchat
		refNotaire = textFiles(notaire)
		refPublication = textFiles(fmt.Sprintf("Acte publié le %s, volume %d P n° %d",
			dateAchat.AddDate(0, 0, 45).Format("02/01/2006"), dateAchat.Year(), g.between(1000, 9999)))
	}
	var eddClassique, mentionEDD string
	if p.plan.edd {
		d := p.cree.AddDate(0, 0, g.days(10, 60))
		eddClassique = textFiles(fmt.Sprintf("État descriptif de division et règlement de copropriété établis par %s le %s.",
			notaire, d.Format("02/01/2006")))
		mentionEDD = fmt.Sprintf("Publié au service de la publicité foncière de Marseille le %s, volume %d P n° %d",
			d.AddDate(0, 0, 40).Format("02/01/2006"), d.Year(), g.between(1000, 9999))
	}
	var locaux any
	autres := ""
	if g.rng.IntN(3) == 0 {
		locaux = int(g.between(1, 3))
		autres = "Locaux commerciaux en rez-de-chaussée, hors convention."
	}
	maj := p.cree.Add(time.Duration(g.between(1, 72)) * time.Hour)
	acquereur := textFiles(bailleurs[p.plan.bailleur].nom)
	if vendeur == "" {
		acquereur = ""
	}
	p.fields = Fields{
		{"parent", nil},
		{"uuid", g.uuid()},
		{"nom", p.plan.nom},
		{"numero_operation", numOp},
		{"numero_operation_pour_recherche", pourRecherche(numOp)},
		{"seconde_vie", false},
		{"bailleur", g.bailleurPK[p.plan.bailleur]},
		{"administration", g.adminPK[c.admin]},
		{"adresse", adresse},
		{"code_postal", c.codePostal},
		{"ville", c.ville},
		{"code_insee_commune", c.codeInsee},
		{"code_insee_departement", c.departement},
		{"code_insee_region", c.region},
		{"annee_gestion_programmation", nil},
		{"zone_123", c.zone123},
		{"zone_abc", c.zoneABC},
		{"surface_utile_totale", nil},
		{"surface_corrigee_totale", nil},
		{"type_operation", p.plan.typeOperation},
		{"nature_logement", "LOGEMENTSORDINAIRES"},
		{"anru", g.rng.IntN(5) == 0},
		{"anah", false},
		{"nb_locaux_commerciaux", locaux},
		{"nb_bureaux", nil},
		{"autres_locaux_hors_convention", autres},
		{"vendeur", vendeur},
		{"acquereur", acquereur},
		{"date_acte_notarie", dateOrNil(dateActe)},
		{"reference_notaire", refNotaire},
		{"reference_publication_acte", refPublication},
		{"acte_de_propriete", ""},
		{"effet_relatif", ""},
		{"certificat_adressage", ""},
		{"reference_cadastrale", ""},
		{"edd_volumetrique", ""},
		{"mention_publication_edd_volumetrique", ""},
		{"edd_classique", eddClassique},
		{"mention_publication_edd_classique", mentionEDD},
		{"edd_stationnements", ""},
		{"permis_construire", permis},
		{"date_achevement_previsible", date(previsible)},
		{"date_achat", dateOrNil(dateAchat)},
		{"date_achevement", dateOrNil(achevement)},
		{"date_autorisation_hors_habitat_inclusif", nil},
		{"date_convention_location", nil},
		{"date_residence_argement_gestionnaire_intermediation", nil},
		{"departement_residence_argement_gestionnaire_intermediation", ""},
		{"ville_signature_residence_agrement_gestionnaire_intermediation", ""},
		{"date_achevement_compile", date(compile)},
		{"cree_le", timestamp(p.cree)},
		{"mis_a_jour_le", timestamp(maj)},
		{"reassign_command_old_admin_backup", nil},
	}
	g.add("programmes.programme", p.pk, p.fields)

	for range 1 + g.rng.IntN(2) {
		s := g.between(800, 18000) // m²
		at := timestamp(maj)
		g.add("programmes.referencecadastrale", g.nextPK("programmes.referencecadastrale"), Fields{
			{"uuid", g.uuid()},
			{"programme", p.pk},
			{"section", g.pick(sectionsCadastre)},
			{"numero", fmt.Sprint(g.between(12, 980))},
			{"lieudit", g.pick(c.lieuxdits)},
			{"surface", fmt.Sprintf("%d ha %d a %d ca", s/10000, s%10000/100, s%100)},
			{"autre", ""},
			{"cree_le", at},
			{"mis_a_jour_le", at},
		})
	}

	for _, f := range p.families {
		f.rootConv = g.emitRootConvention(f)
	}

	if p.plan.edd {
		// One EDD row per unit of the operation, with the financement of
		// its lot (§20.8: each designation exactly once).
		n := 0
		at := timestamp(p.cree.AddDate(0, 0, 5))
		for _, f := range p.families {
			for _, l := range f.rootConv.lots {
				for _, lg := range l.logements {
					n++
					g.add("programmes.logementedd", g.nextPK("programmes.logementedd"), Fields{
						{"uuid", g.uuid()},
						{"designation", lg.designation},
						{"programme", p.pk},
						{"financement", l.financement},
						{"numero_lot", fmt.Sprint(n)},
						{"cree_le", at},
						{"mis_a_jour_le", at},
					})
				}
			}
		}
	}
}

func nbLogements(lots []*lotRec) int {
	n := 0
	for _, l := range lots {
		n += len(l.logements)
	}
	return n
}

func (g *generator) emitRootConvention(f *family) *convRec {
	p := f.prog
	c := &convRec{
		pk:     g.nextPK("conventions.convention"),
		uuid:   g.uuid(),
		progPK: p.pk,
		statut: f.plan.statut,
		numero: f.numero,
		tl:     f.root,
		// The Bailleur step proposes the bailleur's signataire; a complete
		// convention has one (programme.Missing).
		signataireNom:      bailleurs[p.plan.bailleur].signataireNom,
		signataireFonction: bailleurs[p.plan.bailleur].signataireFonction,
	}
	if bailleurs[p.plan.bailleur].nature == natureAutres {
		c.type1and2 = "Type1" // required for non-HLM, non-SEM bailleurs
	}
	for _, fin := range f.plan.financements {
		c.lots = append(c.lots, g.newLot(p, fin, c.tl.cree))
	}
	r := c.tl.valide
	if r.IsZero() {
		r = anchor
	}
	c.dateFin = dateFin(c.lots, r)
	c.fondPropre = float64(int64(nbLogements(c.lots)) * g.between(80, 200) * 100)
	switch c.statut {
	case statutResiliee:
		c.motifResiliation = "Démolition de la résidence prévue par le projet de renouvellement urbain du quartier."
	case statutPublie:
		c.referenceSPF = fmt.Sprintf("%d P %d", c.tl.publication.Year(), g.between(1000, 9999))
	case statutInstruction:
		c.commentaires = textFiles("Les plans de financement ont été mis à jour suite à la décision d'agrément.")
	}
	nameFiles(c, nil)
	g.emitConvention(c)
	for _, l := range c.lots {
		g.emitLot(c, l, nil)
	}
	g.emitHistory(c)
	return c
}

var descAvenant = map[string]string{
	"logements":    "Révision des loyers maximums suite à la revalorisation des loyers plafonds.",
	"duree":        "Prolongation de la durée de la convention suite à des travaux de réhabilitation énergétique financés par un nouveau prêt.",
	"denonciation": "Dénonciation de la convention par le bailleur.",
}

// emitAvenants clones, for each avenant of the family, the latest version
// (root or previous avenant) as §20.4 describes: a programme clone pointing
// to the root programme, lots pointing to the root's first lot, the root's
// first-lot loans, then applies what the avenant changes.
func (g *generator) emitAvenants(f *family) {
	root := f.rootConv
	src := root
	for k, t := range f.avenants {
		ap := f.plan.avenants[k]
		progPK := g.nextPK("programmes.programme")
		pf := make(Fields, len(f.prog.fields))
		copy(pf, f.prog.fields)
		pf.set("parent", f.prog.pk)
		pf.set("uuid", g.uuid())
		pf.set("cree_le", timestamp(t.cree))
		pf.set("mis_a_jour_le", timestamp(t.cree))
		g.add("programmes.programme", progPK, pf)

		av := *src
		av.pk = g.nextPK("conventions.convention")
		av.uuid = g.uuid()
		av.parent = root
		av.progPK = progPK
		av.statut = ap.statut
		av.numero = f.avNumero[k]
		av.tl = t
		av.commentaires = nil
		av.referenceSPF = nil
		av.avenantTypes = nil
		var desc []string
		for _, typ := range ap.types {
			av.avenantTypes = append(av.avenantTypes, avenantTypePK[typ])
			desc = append(desc, descAvenant[typ])
		}
		av.descAvenant = strings.Join(desc, " ")
		av.lots = nil
		for _, l := range src.lots {
			cl := l.clone()
			cl.prets = append(cl.prets, root.lots[0].prets...)
			av.lots = append(av.lots, cl)
		}
		for _, typ := range ap.types {
			switch typ {
			case "logements":
				for _, l := range av.lots {
					// +3.5 %, same for every unit of the financement.
					setLoyers(l.logements, roundDiv(l.logements[0].lpm*1035, 1000))
				}
			case "duree":
				for _, l := range av.lots {
					l.prets = append(l.prets, pretRec{"CDCL", "", g.workTime(t.cree.AddDate(0, 0, -g.days(10, 40))),
						fmt.Sprint(g.between(100000, 999999)), 50, int64(len(l.logements)) * g.between(15000, 30000) * 100})
				}
				av.dateFin = dateFin(av.lots, root.tl.signe)
			case "denonciation":
				av.motifDenonciation = "Le bailleur met fin au conventionnement à l'issue de la vente des logements à un organisme non conventionné."
				av.fichierDenonciation = textFiles("Délibération du conseil d'administration autorisant la dénonciation.")
			}
		}
		nameFiles(&av, root)
		g.emitConvention(&av)
		for _, l := range av.lots {
			g.emitLot(&av, l, root.lots[0])
		}
		g.emitHistory(&av)
		src = &av
	}
}

// nameFiles sets the stored names of the signed and published documents
// (§20.3): convention_<numero>[_avenant_<n>]_<YYYY-MM-DD_HH-MM>.pdf.
func nameFiles(c *convRec, parent *convRec) {
	c.nomFichierSigne, c.nomFichierPublication = nil, nil
	num := func(s, def string) string {
		if s == "" {
			return def
		}
		return strings.ReplaceAll(s, " ", "_")
	}
	base := "convention_" + num(c.numero, "NUM")
	if parent != nil {
		base = "convention_" + num(parent.numero, "NUM") + "_avenant_" + num(c.numero, "N")
	}
	if !c.tl.signe.IsZero() {
		c.nomFichierSigne = base + "_" + c.tl.signe.Format("2006-01-02_15-04") + ".pdf"
	}
	if !c.tl.publication.IsZero() {
		c.nomFichierPublication = "publication_" + strings.ReplaceAll(base, "/", "_") + "_" +
			c.tl.publication.Format("2006-01-02_15-04") + ".pdf"
	}
}

func (g *generator) creePar() any {
	if g.users == nil {
		return nil
	}
	return g.users.bailleur
}

func (g *generator) emitConvention(c *convRec) {
	var parent any
	if c.parent != nil {
		parent = c.parent.pk
	}
	var numero, numeroRecherche any
	if c.numero != "" {
		numero, numeroRecherche = c.numero, pourRecherche(c.numero)
	}
	types := c.avenantTypes
	if types == nil {
		types = []int{}
	}
	f := Fields{
		{"uuid", c.uuid},
		{"parent", parent},
		{"numero", numero},
		{"numero_pour_recherche", numeroRecherche},
		{"programme", c.progPK},
		{"date_fin_conventionnement", dateOrNil(c.dateFin)},
		{"fond_propre", c.fondPropre},
		{"commentaires", c.commentaires},
		{"attached", nil},
		{"statut", c.statut},
		{"soumis_le", timestampOrNil(c.tl.soumis)},
		{"premiere_soumission_le", timestampOrNil(c.tl.soumis)},
		{"valide_le", dateOrNil(c.tl.valide)},
		{"cree_par", g.creePar()},
		{"cree_le", timestamp(c.tl.cree)},
		{"mis_a_jour_le", timestamp(c.tl.last)},
		{"type1and2", c.type1and2},
	}
	for i := 1; i <= 8; i++ {
		f = append(f, Field{fmt.Sprintf("type2_lgts_concernes_option%d", i), true})
	}
	f = append(f, Fields{
		{"signataire_nom", c.signataireNom},
		{"signataire_fonction", c.signataireFonction},
		{"signataire_date_deliberation", nil},
		{"signataire_bloc_signature", nil},
		{"date_publication_spf", dateOrNil(c.tl.publication)},
		{"reference_spf", c.referenceSPF},
		{"date_envoi_spf", dateOrNil(c.tl.envoiSPF)},
		{"date_refus_spf", nil},
		{"motif_refus_spf", nil},
		{"gestionnaire", nil},
		{"gestionnaire_signataire_nom", nil},
		{"gestionnaire_signataire_fonction", nil},
		{"gestionnaire_signataire_date_deliberation", nil},
		{"gestionnaire_signataire_bloc_signature", nil},
		{"gestionnaire_bloc_info_complementaire", nil},
		{"donnees_validees", nil},
		{"nom_fichier_signe", c.nomFichierSigne},
		{"nom_fichier_publication_spf", c.nomFichierPublication},
		{"televersement_convention_signee_le", dateOrNil(c.tl.signe)},
		{"desc_avenant", c.descAvenant},
		{"historique_financement_public", nil},
	}...)
	for _, name := range []string{"attribution_agees_autonomie", "attribution_agees_ephad",
		"attribution_agees_desorientees", "attribution_agees_petite_unite", "attribution_agees_autre"} {
		f = append(f, Field{name, false})
	}
	f = append(f, Field{"attribution_agees_autre_detail", nil})
	for _, name := range []string{"attribution_handicapes_foyer", "attribution_handicapes_foyer_de_vie",
		"attribution_handicapes_foyer_medicalise", "attribution_handicapes_autre"} {
		f = append(f, Field{name, false})
	}
	f = append(f, Field{"attribution_handicapes_autre_detail", nil})
	for _, name := range []string{"attribution_inclusif_conditions_specifiques",
		"attribution_inclusif_conditions_admission", "attribution_inclusif_modalites_attribution",
		"attribution_inclusif_partenariats", "attribution_inclusif_activites",
		"attribution_reservation_prefectorale", "attribution_modalites_reservations",
		"attribution_modalites_choix_personnes", "attribution_prestations_integrees",
		"attribution_prestations_facultatives"} {
		f = append(f, Field{name, nil})
	}
	f = append(f, Fields{
		{"foyer_residence_variante_1", true},
		{"foyer_residence_variante_2", true},
		{"foyer_residence_variante_2_travaux", nil},
		{"foyer_residence_variante_2_nb_annees", nil},
		{"foyer_residence_variante_2_nb_tranches", nil},
		{"foyer_residence_variante_3", true},
		{"attribution_residence_sociale_ordinaire", false},
		{"attribution_pension_de_famille", false},
		{"attribution_residence_accueil", false},
		{"champ_libre_avenant", nil},
		{"date_denonciation", dateOrNil(c.tl.denonciation)},
		{"motif_denonciation", c.motifDenonciation},
		{"fichier_instruction_denonciation", c.fichierDenonciation},
		{"date_resiliation", dateOrNil(c.tl.resiliation)},
		{"motif_resiliation", c.motifResiliation},
		{"fichier_instruction_resiliation", nil},
		{"adresse", nil},
		{"fichier_override_cerfa", nil},
		{"identification_bailleur", false},
		{"identification_bailleur_detail", nil},
		{"avenant_types", types},
		{"parents_2nd_vie", []int{}},
	}...)
	g.add("conventions.convention", c.pk, f)
}

func (g *generator) emitLot(c *convRec, l *lotRec, parent *lotRec) {
	l.pk = g.nextPK("programmes.lot")
	var parentPK any
	if parent != nil {
		parentPK = parent.pk
	}
	filled := g.workTime(c.tl.cree.AddDate(0, 0, 1))
	at := timestamp(c.tl.cree)
	var sh int64
	for _, lg := range l.logements {
		sh += lg.sh
	}
	f := Fields{
		{"parent", parentPK},
		{"uuid", g.uuid()},
		{"nb_logements", len(l.logements)},
		{"convention", c.pk},
		{"financement", l.financement},
		{"type_habitat", l.habitat},
		{"edd_volumetrique", ""},
		{"edd_classique", ""},
	}
	for _, name := range annexeFlagNames {
		f = append(f, Field{name, l.annexeFlags[name]})
	}
	f = append(f, Fields{
		{"lgts_mixite_sociale_negocies", l.mixite},
		{"loyer_derogatoire", nil},
		{"surface_habitable_totale", Cents(sh)},
		{"surface_locaux_collectifs_residentiels", Cents(0)},
		{"foyer_residence_nb_garage_parking", nil},
		{"foyer_residence_dependance", nil},
		{"foyer_residence_locaux_hors_convention", nil},
		{"loyer_associations_foncieres", nil},
		{"cree_le", at},
		{"mis_a_jour_le", timestamp(filled)},
	}...)
	g.add("programmes.lot", l.pk, f)

	ts := timestamp(filled)
	for i, lg := range l.logements {
		pk := g.nextPK("programmes.logement")
		g.add("programmes.logement", pk, Fields{
			{"uuid", g.uuid()},
			{"designation", lg.designation},
			{"lot", l.pk},
			{"typologie", lg.typologie},
			{"surface_habitable", Cents(lg.sh)},
			{"surface_corrigee", nil},
			{"surface_annexes", Cents(lg.sa)},
			{"surface_annexes_retenue", Cents(lg.sar)},
			{"surface_utile", Cents(lg.su)},
			{"loyer_par_metre_carre", Cents(lg.lpm)},
			{"coeficient", Decimal{Units: lg.coef, Scale: 4}},
			{"loyer", Cents(lg.loyer)},
			{"import_order", i + 1},
			{"cree_le", ts},
			{"mis_a_jour_le", ts},
		})
		for _, a := range lg.annexes {
			g.add("programmes.annexe", g.nextPK("programmes.annexe"), Fields{
				{"uuid", g.uuid()},
				{"logement", pk},
				{"typologie", a.typologie},
				{"surface_hors_surface_retenue", Cents(a.surface)},
				{"loyer_par_metre_carre", Cents(a.lpm)},
				{"loyer", Cents(a.loyer)},
				{"cree_le", ts},
				{"mis_a_jour_le", ts},
			})
		}
	}
	for _, s := range l.stationnements {
		g.add("programmes.typestationnement", g.nextPK("programmes.typestationnement"), Fields{
			{"uuid", g.uuid()},
			{"lot", l.pk},
			{"typologie", s.typologie},
			{"nb_stationnements", s.nb},
			{"loyer", Cents(s.loyer)},
			{"cree_le", ts},
			{"mis_a_jour_le", ts},
		})
	}
	for _, p := range l.prets {
		var numero, duree any
		if p.numero != "" {
			numero = p.numero
		}
		if p.duree > 0 {
			duree = p.duree
		}
		g.add("conventions.pret", g.nextPK("conventions.pret"), Fields{
			{"uuid", g.uuid()},
			{"lot", l.pk},
			{"preteur", p.preteur},
			{"autre", p.autre},
			{"date_octroi", date(p.octroi)},
			{"numero", numero},
			{"duree", duree},
			{"montant", Cents(p.montant)},
			{"cree_le", ts},
			{"mis_a_jour_le", ts},
		})
	}
}

func (g *generator) emitHistory(c *convRec) {
	for _, h := range c.tl.history {
		var user, commentaire any
		if g.users != nil {
			user = g.users.bailleur
			if h.byInstructeur {
				user = g.users.instructeur
			}
		}
		if h.hasCommentaire {
			commentaire = h.commentaire
		}
		at := timestamp(h.at)
		g.add("conventions.conventionhistory", g.nextPK("conventions.conventionhistory"), Fields{
			{"uuid", g.uuid()},
			{"convention", c.pk},
			{"statut_convention", h.to},
			{"statut_convention_precedent", h.from},
			{"commentaire", commentaire},
			{"user", user},
			{"cree_le", at},
			{"mis_a_jour_le", at},
		})
	}
}
