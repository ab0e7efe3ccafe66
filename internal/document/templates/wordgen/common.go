package wordgen

// Pieces shared by the templates: header, footer, parties, cadastre,
// tables of logements, prêts, signatures. The text between tags is the
// project's own wording; the tags read the context described in
// internal/document (the reference's names).

// filigrane is the watermark line of the header (spec workflows §6.3).
const filigrane = `{% if convention.statut == "1. Projet" %}Projet de convention{% elif convention.statut == "2. Instruction requise" or convention.statut == "3. Corrections requises" %}Convention en cours d'instruction{% endif %}`

// frame writes the header and footer of every convention document.
func frame(d *Doc, label string) {
	d.HeaderP(Para{Style: "Filigrane"}, T(filigrane))
	d.HeaderP(Para{Style: "Petit", Align: "right"}, T(label+" n° {{ convention.numero|default_str_if_none }}"))
	d.FooterP(Para{Style: "Petit"}, T("{{ programme.nom }} – {{ code_postal }} {{ ville }}"))
	d.FooterPageNumber("")
}

// cerfa writes the first-page block of the CERFA forms, which overseas
// départements do without (spec workflows §6.3).
func cerfa(d *Doc, modele string) {
	d.If("not outre_mer", func() {
		d.P(Para{Style: "Petit"}, B("RÉPUBLIQUE FRANÇAISE"))
		d.P(Para{Style: "Petit"}, T("Ministère chargé du logement"))
		d.P(Para{Style: "Petit", Align: "right"}, I("Modèle de convention : "+modele))
	})
}

// parties writes the State and the bailleur as parties to the convention.
func parties(d *Doc, bailleurRole string) {
	d.Text(B("Entre les soussignés :"))
	d.Text(T("L'État, représenté par {{ administration.nom }} ({{ administration.code }}), {{ administration.adresse }} {{ administration.code_postal }} {{ administration.ville }}, ci-après dénommé « l'administration »,"))
	d.Text(B("d'une part,"))
	d.Text(T("et {{ bailleur.nom }}, {{ bailleur.get_sous_nature_bailleur_display() }}, SIRET {{ bailleur.siret }}"),
		T("{% if bailleur.capital_social %}, au capital de {{ bailleur.capital_social|f }} €{% endif %}"),
		T(", dont le siège est situé {{ bailleur.adresse }}, {{ bailleur.code_postal }} {{ bailleur.ville }}, représenté par {{ convention.signataire_nom|default_str_if_none }}, {{ convention.signataire_fonction|default_str_if_none }}, habilité à signer par délibération du {{ convention.signataire_date_deliberation|dd }}, ci-après dénommé « "+bailleurRole+" »,"))
	d.If("convention.identification_bailleur", func() {
		d.Text(T("Identification complémentaire du bailleur : {{ convention.identification_bailleur_detail|inline_text_multiline }}"))
	})
	d.Text(B("d'autre part,"))
	d.Text(T("il a été convenu ce qui suit :"))
}

// operation writes the article describing the opération and its lots.
func operation(d *Doc, art string) {
	d.Article(art + " – Objet de la convention")
	d.Text(T("La présente convention a pour objet de fixer les droits et obligations des parties pour l'opération « {{ programme.nom }} » (numéro d'opération {{ programme.numero_operation|default_str_if_none }}), située {{ adresse }}, {{ code_postal }} {{ ville }}."))
	d.Text(T("Nature de l'opération : {{ programme.get_type_operation_display() }} ; nature des logements : {{ programme.get_nature_logement_display() }} ; zone {{ programme.zone_123|default_str_if_none }} (zone {{ programme.zone_abc|default_str_if_none }}){% if programme.anru %} ; opération relevant du programme national de renouvellement urbain (ANRU){% endif %}."))
	d.Text(T("Elle porte sur {{ programme.nb_logements }} logement{{ programme.nb_logements|pl }} répartis comme suit :"))
	d.Table(Table{
		Widths: []int{3600, 3000, 3000},
		Header: []string{"Financement", "Type d'habitat", "Nombre de logements"},
		Loop:   "for lot in lots",
		Cells:  []string{"{{ lot.get_financement_display() }}", "{{ lot.get_type_habitat_display() }}", "{{ lot.nb_logements }}"},
	})
	d.If("programme.nb_locaux_commerciaux or programme.nb_bureaux or programme.autres_locaux_hors_convention", func() {
		d.Text(T("Ne relèvent pas de la présente convention : {{ programme.nb_locaux_commerciaux|default_empty_if_none }} local(aux) commercial(aux), {{ programme.nb_bureaux|default_empty_if_none }} bureau(x) ; {{ programme.autres_locaux_hors_convention|default_empty_if_none }}."))
	})
}

// duree writes the term of the convention.
func duree(d *Doc, art string) {
	d.Article(art + " – Durée")
	d.Text(T("La présente convention prend effet à la date de sa signature. Elle expire le {{ convention.date_fin_conventionnement|dd }}, soit {{ nombre_annees_conventionnement }} années à compter de l'année en cours."))
	d.Text(T("À son terme, elle est renouvelée par tacite reconduction par périodes de trois ans, sauf dénonciation par l'une des parties notifiée six mois au moins avant son expiration."))
}

// cadastre writes the situation of the buildings and the deeds.
func cadastre(d *Doc, art string) {
	d.Article(art + " – Situation et propriété de l'immeuble")
	d.Text(T("Permis de construire n° {{ programme.permis_construire|default_str_if_none }} ; acte notarié du {{ programme.date_acte_notarie|dd }} ; date d'achat {{ programme.date_achat|sdd }} ; achèvement {{ programme.date_achevement|sdd }} (prévisible : {{ programme.date_achevement_previsible|sdd }})."))
	d.Text(T("Vendeur : {{ programme.vendeur_text()|inline_text_multiline|default_str_if_none }}"))
	images(d, "vendeur_images")
	d.Text(T("Acquéreur : {{ programme.acquereur_text()|inline_text_multiline|default_str_if_none }}"))
	images(d, "acquereur_images")
	d.Text(T("Référence du notaire : {{ programme.reference_notaire_text()|inline_text_multiline|default_str_if_none }}"))
	d.Text(T("Publication de l'acte : {{ programme.reference_publication_acte_text()|inline_text_multiline|default_str_if_none }}"))
	d.Text(T("Effet relatif : {{ programme.effet_relatif_text()|default_str_if_none }}"))
	d.Text(T("Références cadastrales :"))
	d.Table(Table{
		Widths: []int{1600, 1600, 3200, 1600, 1600},
		Header: []string{"Section", "Numéro", "Lieu-dit", "Surface", "Autre"},
		Loop:   "for r in references_cadastrales",
		Cells:  []string{"{{ r.section }}", "{{ r.numero }}", "{{ r.lieudit }}", "{{ r.surface }}", "{{ r.autre }}"},
	})
	images(d, "reference_cadastrale_images")
}

// images writes the pictures attached to a programme field.
func images(d *Doc, list string) {
	d.Tag("{%p for img in " + list + " %}")
	d.P(Para{Align: "center"}, T("{{ img }}"))
	d.Tag("{%p endfor %}")
}

// edd writes the états descriptifs de division.
func edd(d *Doc, art string) {
	d.Article(art + " – États descriptifs de division")
	d.Text(T("EDD volumétrique : {{ programme.edd_volumetrique_text()|default_str_if_none }} (publication : {{ programme.mention_publication_edd_volumetrique|default_str_if_none }})."))
	images(d, "edd_volumetrique_images")
	d.Text(T("EDD classique : {{ programme.edd_classique_text()|default_str_if_none }} (publication : {{ programme.mention_publication_edd_classique|default_str_if_none }})."))
	images(d, "edd_classique_images")
	d.Text(T("EDD des stationnements : {{ programme.edd_stationnements_text()|default_str_if_none }}."))
	images(d, "edd_stationnements_images")
	d.If("logement_edds", func() {
		d.Text(T("État descriptif de division simplifié (lot n° {{ lot_num }} pour le financement de la présente convention) :"))
		d.Table(Table{
			Widths: []int{4000, 2800, 2800},
			Header: []string{"Désignation des logements", "Financement", "Numéro de lot"},
			Loop:   "for e in logement_edds",
			Cells:  []string{"{{ e.designation }}", "{{ e.financement }}", "{{ e.numero_lot }}"},
		})
	})
}

// logementsOrdinaires writes the table of logements with their surfaces
// and loyers, and the count by typologie.
func logementsOrdinaires(d *Doc, art string) {
	d.Article(art + " – Logements conventionnés")
	d.Text(T("Les logements faisant l'objet de la présente convention sont les suivants (surfaces en m², loyers mensuels maximum en euros) :"))
	d.Table(Table{
		Widths: []int{1300, 900, 1000, 1000, 1000, 1000, 1100, 1000, 1300},
		Header: []string{"Désignation", "Type", "Surface habitable", "Surface des annexes", "Surface annexes retenue", "Surface utile", "Loyer au m² de SU", "Coefficient", "Loyer maximum"},
		Loop:   "for l in logements",
		Cells: []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.surface_annexes|f }}",
			"{{ l.surface_annexes_retenue|f }}", "{{ l.surface_utile|f }}", "{{ l.loyer_par_metre_carre|f }}", "{{ l.coeficient|f(4) }}", "{{ l.loyer|f }}"},
		Total: []string{"Total", "{{ logements|length }}", "{{ sh_totale|f }}", "{{ sa_totale|f }}", "{{ sar_totale|f }}", "{{ su_totale|f }}", "", "", "{{ loyer_total|f }}"},
	})
	d.Text(T("Répartition par type :"))
	d.Tag("{%p for typologie, nombre in nb_logements_par_type.items() %}")
	d.Bullet(T("{{ nombre }} logement{{ nombre|pl }} {{ typologie }}"))
	d.Tag("{%p endfor %}")
	d.If("logements_corrigee", func() {
		d.Text(T("Logements dont le loyer est établi en surface corrigée :"))
		d.Table(Table{
			Widths: []int{2000, 1200, 1600, 1600, 1600, 1600},
			Header: []string{"Désignation", "Type", "Surface habitable", "Surface corrigée", "Loyer au m² de SC", "Loyer maximum"},
			Loop:   "for l in logements_corrigee",
			Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.surface_corrigee|f }}", "{{ l.loyer_par_metre_carre|f }}", "{{ l.loyer|f }}"},
		})
	})
}

// annexes writes the private annexes and stationnements of logements
// ordinaires.
func annexes(d *Doc, art string) {
	d.Article(art + " – Annexes et stationnements")
	d.Text(T("Les logements disposent des annexes suivantes : {{ liste_des_annexes|default_str_if_none }}."))
	d.If("annexes", func() {
		d.Table(Table{
			Widths: []int{1800, 1800, 1800, 2000, 2200},
			Header: []string{"Logement", "Type d'annexe", "Surface de l'annexe", "Loyer unitaire au m²", "Loyer maximum"},
			Loop:   "for a in annexes",
			Cells:  []string{"{{ a.logement.designation }}", "{{ a.get_typologie_display() }}", "{{ a.surface_hors_surface_retenue|f }}", "{{ a.loyer_par_metre_carre|f }}", "{{ a.loyer|f }}"},
		})
	})
	d.If("stationnements", func() {
		d.Table(Table{
			Widths: []int{4600, 2400, 2600},
			Header: []string{"Type de stationnement", "Nombre", "Loyer maximum"},
			Loop:   "for s in stationnements",
			Cells:  []string{"{{ s.get_typologie_display() }}", "{{ s.nb_stationnements }}", "{{ s.loyer|f }}"},
		})
	})
}

// loyers writes the rules of the maximum rent.
func loyers(d *Doc, art string) {
	d.Article(art + " – Loyer maximum")
	d.Text(T("Le loyer maximum, exprimé en euros par mètre carré de surface utile et par mois, est fixé à {{ loyer_m2|f }} €. Le loyer maximum de chaque logement figure au tableau ci-dessus ; il tient compte du coefficient propre au logement."))
	d.If("lots.first().loyer_derogatoire", func() {
		d.Text(T("Un loyer dérogatoire de {{ lots.first().loyer_derogatoire|f }} € par m² de surface utile est appliqué."))
	})
	d.If("loyer_max_associations_foncieres", func() {
		d.Text(T("Pour les logements loués aux associations foncières et à leurs filiales, le loyer maximum est fixé à {{ loyer_max_associations_foncieres|f }} €."))
	})
	d.Text(T("Ces loyers maximums sont révisés au 1er janvier de chaque année en fonction de l'indice de référence des loyers du deuxième trimestre de l'année précédente. Le loyer pratiqué ne peut excéder le loyer maximum."))
}

// mixite writes the social-mix commitments of PLUS lots.
func mixite(d *Doc) {
	d.If("mixPLUS_30pc", func() {
		d.Text(T("Mixité sociale : au moins {{ mixPLUS_30pc }} logement{{ mixPLUS_30pc|pl }} (30 %) sont attribués à des ménages dont les ressources n'excèdent pas les plafonds PLAI, et au plus {{ mixPLUS_10pc }} logement{{ mixPLUS_10pc|pl }} (10 %) à des ménages dont les ressources dépassent les plafonds PLUS dans la limite de 120 % de ceux-ci."))
		d.If("lots.first().lgts_mixite_sociale_negocies", func() {
			d.Text(T("Le bailleur s'engage en outre à louer {{ lots.first().lgts_mixite_sociale_negocies }} logement{{ lots.first().lgts_mixite_sociale_negocies|pl }} supplémentaire{{ lots.first().lgts_mixite_sociale_negocies|pl }} à des ménages dont les ressources n'excèdent pas les plafonds PLAI."))
		})
	})
}

// prets writes the loans and subsidies of the opération.
func prets(d *Doc, art string) {
	d.Article(art + " – Financement de l'opération")
	d.Text(T("L'opération est financée par les prêts de la Caisse des dépôts et consignations suivants :"))
	d.Table(Table{
		Widths: []int{1800, 2600, 1700, 1400, 2100},
		Header: []string{"Numéro", "Prêteur", "Date d'octroi", "Durée (ans)", "Montant (€)"},
		Loop:   "for p in prets_cdc",
		Cells:  []string{"{{ p.numero }}", "{{ p.preteur_display() }}", "{{ p.date_octroi|sdd }}", "{{ p.duree }}", "{{ p.montant|f }}"},
	})
	d.Text(T("et par les autres prêts et subventions suivants :"))
	d.Table(Table{
		Widths: []int{5000, 2300, 2300},
		Header: []string{"Prêteur", "Date d'octroi", "Montant (€)"},
		Loop:   "for p in autres_prets",
		Cells:  []string{"{{ p.preteur_display() }}", "{{ p.date_octroi|sdd }}", "{{ p.montant|f }}"},
	})
	d.If("convention.fond_propre", func() {
		d.Text(T("Fonds propres engagés par le bailleur : {{ convention.fond_propre|f }} €."))
	})
}

// engagements writes the bailleur's obligations common to logements
// ordinaires.
func engagements(d *Doc, art string, extra ...string) {
	d.Article(art + " – Obligations du bailleur")
	d.Text(T("Le bailleur s'engage à louer les logements conventionnés, nus, à titre de résidence principale, à des personnes physiques dont les ressources n'excèdent pas les plafonds fixés par la réglementation en vigueur pour le financement de chaque logement."))
	d.Text(T("Il s'engage à ne pas exiger des locataires un loyer supérieur au loyer maximum, à leur remettre une copie des dispositions de la présente convention qui les concernent, et à permettre à ses locataires de bénéficier de l'aide personnalisée au logement dans les conditions prévues par le code de la construction et de l'habitation."))
	for _, e := range extra {
		d.Line(e)
	}
	d.Text(T("Il tient à la disposition de l'administration tout document permettant de vérifier le respect de ses engagements et l'informe de toute modification affectant l'opération."))
}

// fin writes the closing articles and the signatures.
func fin(d *Doc, art string, bailleurRole string) {
	d.Article(art + " – Publication, exemplaires")
	d.Text(T("La présente convention est publiée au service de la publicité foncière à la diligence du bailleur. Elle est établie en {{ administration.nb_convention_exemplaires }} exemplaires originaux."))
	d.Text(T("Fait à {{ administration.get_ville_signature_or_empty() }}, le"))
	signatures(d, bailleurRole)
}

// signatures writes the two signature blocks.
func signatures(d *Doc, bailleurRole string) {
	d.Signatures(
		[]string{"Pour l'État", "{{ administration.nom }}", "{{ administration.signataire_bloc_signature|default_empty_if_none }}"},
		[]string{"Pour " + bailleurRole, "{{ bailleur.nom }}", "{{ convention.signataire_nom|default_str_if_none }}, {{ convention.signataire_fonction|default_str_if_none }}", "{{ convention.signataire_bloc_signature|default_empty_if_none }}"},
	)
}
