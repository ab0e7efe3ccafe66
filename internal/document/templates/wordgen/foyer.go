package wordgen

// foyerResidence is the convention of a logement-foyer (résidence false)
// or of a résidence sociale, pension de famille, résidence d'accueil or
// hébergement (résidence true).
func foyerResidence(residence bool) func() []byte {
	return func() []byte {
		titre := "Convention conclue entre l'État et un organisme propriétaire d'un logement-foyer"
		modele := "logements-foyers"
		if residence {
			titre = "Convention conclue entre l'État et un organisme propriétaire d'une résidence sociale"
			modele = "résidences sociales, pensions de famille et résidences d'accueil"
		}
		d := &Doc{}
		frame(d, "Convention")
		cerfa(d, modele)
		d.Title(titre)
		d.Subtitle("relative aux logements-foyers ouvrant droit à l'aide personnalisée au logement")
		d.P(Para{Style: "Centre", Align: "center"}, T("(articles L. 831-1 et suivants du code de la construction et de l'habitation)"))
		d.P(Para{Style: "Centre", Align: "center"}, B("Convention n° {{ convention.numero|default_str_if_none }}"))
		parties(d, "le propriétaire")
		d.If("convention.gestionnaire", func() {
			d.Text(T("en présence de {{ convention.gestionnaire }}, gestionnaire de l'établissement, représenté par {{ convention.gestionnaire_signataire_nom|default_str_if_none }}, {{ convention.gestionnaire_signataire_fonction|default_str_if_none }}, habilité par délibération du {{ convention.gestionnaire_signataire_date_deliberation|dd }}{% if convention.gestionnaire_bloc_info_complementaire %} ({{ convention.gestionnaire_bloc_info_complementaire }}){% endif %}, ci-après dénommé « le gestionnaire »,"))
		})
		d.Subtitle("Titre I – Objet et durée")
		operation(d, "Article 1")
		duree(d, "Article 2")
		d.Subtitle("Titre II – Désignation de l'établissement")
		cadastre(d, "Article 3")
		if residence {
			d.Text(T("Convention de location du {{ programme.date_convention_location|dd }} ; agrément du gestionnaire en intermédiation locative délivré le {{ programme.date_residence_argement_gestionnaire_intermediation|dd }} dans le département {{ programme.departement_residence_argement_gestionnaire_intermediation|default_str_if_none }} ({{ programme.ville_signature_residence_agrement_gestionnaire_intermediation|default_str_if_none }})."))
		} else {
			d.Text(T("Autorisation hors habitat inclusif du {{ programme.date_autorisation_hors_habitat_inclusif|dd }} ; convention de location du {{ programme.date_convention_location|dd }}."))
		}
		d.Article("Article 4 – Logements et locaux collectifs")
		d.Text(T("L'établissement comprend les logements suivants (surfaces en m², redevances mensuelles maximum en euros) :"))
		d.Table(Table{
			Widths: []int{3000, 2000, 2200, 2400},
			Header: []string{"Numéro du logement", "Type", "Surface habitable", "Redevance maximale"},
			Loop:   "for l in logements",
			Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.loyer|f }}"},
			Total:  []string{"Total : {{ logements|length }} logement{{ logements|length|pl }}", "", "{{ sh_totale|f }}", "{{ loyer_total|f }}"},
		})
		d.Tag("{%p for typologie, nombre in nb_logements_par_type.items() %}")
		d.Bullet(T("{{ nombre }} logement{{ nombre|pl }} {{ typologie|tl }}"))
		d.Tag("{%p endfor %}")
		d.Text(T("Locaux collectifs à usage commun :"))
		d.Table(Table{
			Widths: []int{4800, 2400, 2400},
			Header: []string{"Type de local", "Surface habitable", "Nombre"},
			Loop:   "for lc in locaux_collectifs",
			Cells:  []string{"{{ lc.type_local }}", "{{ lc.surface_habitable|f }}", "{{ lc.nombre }}"},
		})
		d.Text(T("Surface habitable totale des logements : {{ surface_habitable_totale|f }} m² ; surface des locaux collectifs : {{ lc_sh_totale|f }} m² ; surface totale de la résidence : {{ res_sh_totale|f }} m² ; surface des locaux collectifs résidentiels : {{ surface_locaux_collectifs_residentiels|f }} m²."))
		d.Text(T("Garages et parkings : {{ nombre_garage }} ; dépendances : {{ lots.first().foyer_residence_dependance|default_str_if_none }} ; locaux auxquels la convention ne s'applique pas : {{ lots.first().foyer_residence_locaux_hors_convention|default_str_if_none }}."))
		d.Article("Article 5 – Redevance")
		d.Line("La redevance maximale de chaque logement figure au tableau ci-dessus. Elle comprend l'équivalent du loyer et des charges locatives récupérables ; elle est révisée chaque année au 1er janvier en fonction de l'indice de référence des loyers.")
		d.Text(T("Prestations comprises dans la redevance : {{ convention.attribution_prestations_integrees|default_str_if_none }}. Prestations facultatives : {{ convention.attribution_prestations_facultatives|default_str_if_none }}."))
		d.Article("Article 6 – Publics accueillis et attribution")
		if residence {
			d.Text(T("La résidence accueille :{% if convention.attribution_residence_sociale_ordinaire %} résidence sociale ordinaire ;{% endif %}{% if convention.attribution_pension_de_famille %} pension de famille ;{% endif %}{% if convention.attribution_residence_accueil %} résidence d'accueil ;{% endif %}"))
		} else {
			d.If("convention.attribution_agees_autonomie or convention.attribution_agees_ephad or convention.attribution_agees_desorientees or convention.attribution_agees_petite_unite or convention.attribution_agees_autre", func() {
				d.Text(T("Le foyer accueille des personnes âgées seules ou en ménage :{% if convention.attribution_agees_autonomie %} résidence autonomie ;{% endif %}{% if convention.attribution_agees_ephad %} EHPAD ;{% endif %}{% if convention.attribution_agees_desorientees %} unité pour personnes désorientées ;{% endif %}{% if convention.attribution_agees_petite_unite %} petite unité de vie ;{% endif %}{% if convention.attribution_agees_autre %} {{ convention.attribution_agees_autre_detail }}{% endif %}"))
			})
			d.If("convention.attribution_handicapes_foyer or convention.attribution_handicapes_foyer_de_vie or convention.attribution_handicapes_foyer_medicalise or convention.attribution_handicapes_autre", func() {
				d.Text(T("Le foyer accueille des personnes handicapées seules ou en ménage :{% if convention.attribution_handicapes_foyer %} foyer ;{% endif %}{% if convention.attribution_handicapes_foyer_de_vie %} foyer de vie ou occupationnel ;{% endif %}{% if convention.attribution_handicapes_foyer_medicalise %} foyer d'accueil médicalisé ;{% endif %}{% if convention.attribution_handicapes_autre %} {{ convention.attribution_handicapes_autre_detail }}{% endif %}"))
			})
			d.If("convention.attribution_inclusif_conditions_specifiques", func() {
				d.Text(T("Habitat inclusif – conditions spécifiques : {{ convention.attribution_inclusif_conditions_specifiques }} ; conditions d'admission : {{ convention.attribution_inclusif_conditions_admission|default_str_if_none }} ; modalités d'attribution : {{ convention.attribution_inclusif_modalites_attribution|default_str_if_none }} ; partenariats : {{ convention.attribution_inclusif_partenariats|default_str_if_none }} ; activités : {{ convention.attribution_inclusif_activites|default_str_if_none }}."))
			})
		}
		d.Text(T("Réservations préfectorales : {{ convention.attribution_reservation_prefectorale|default_str_if_none }} % des logements ; modalités de gestion : {{ convention.attribution_modalites_reservations|default_str_if_none }}."))
		d.Text(T("Modalités de choix des personnes accueillies : {{ convention.attribution_modalites_choix_personnes|default_str_if_none }}."))
		d.Article("Article 7 – Variantes")
		d.If("convention.foyer_residence_variante_1", func() {
			d.Line("Variante 1 : le propriétaire et le gestionnaire maintiennent l'établissement en bon état d'entretien sans travaux programmés.")
		})
		d.If("convention.foyer_residence_variante_2", func() {
			d.Text(T("Variante 2 : travaux programmés ({{ convention.foyer_residence_variante_2_travaux|default_str_if_none }}), réalisés en {{ convention.foyer_residence_variante_2_nb_tranches|default_str_if_none }} tranche(s) sur {{ convention.foyer_residence_variante_2_nb_annees|default_str_if_none }} année(s)."))
		})
		d.If("convention.foyer_residence_variante_3", func() {
			d.Line("Variante 3 : l'établissement fait l'objet d'une restructuration, dont le programme est soumis à l'administration.")
		})
		d.Subtitle("Titre III – Financement")
		prets(d, "Article 8")
		d.Text(T("Historique du financement public : {{ convention.historique_financement_public|default_str_if_none }}."))
		d.Subtitle("Titre IV – Dispositions finales")
		d.Article("Article 9 – Engagements")
		d.Line("Le propriétaire et le gestionnaire s'engagent à accueillir les personnes dont les ressources n'excèdent pas les plafonds réglementaires, à conclure avec chaque résident un contrat d'occupation conforme à la réglementation et à permettre aux résidents de bénéficier de l'aide personnalisée au logement.")
		fin(d, "Article 10", "le propriétaire")
		d.If("convention.gestionnaire", func() {
			d.Signatures([]string{"Pour le gestionnaire", "{{ convention.gestionnaire }}", "{{ convention.gestionnaire_signataire_nom }}, {{ convention.gestionnaire_signataire_fonction }}", "{{ convention.gestionnaire_signataire_bloc_signature|default_empty_if_none }}"}, []string{""})
		})
		return d.Bytes(titre)
	}
}
