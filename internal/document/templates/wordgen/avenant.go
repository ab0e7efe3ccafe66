package wordgen

// avenant is the avenant of a convention (foyer: of a foyer or résidence
// convention), its dénonciation or résiliation included; secondeVie is
// the convention that replaces earlier conventions of the same
// logements ("seconde vie").
func avenant(foyer, secondeVie bool) func() []byte {
	return func() []byte {
		d := &Doc{}
		label := "Avenant"
		titre := "Avenant à la convention conclue entre l'État et le bailleur"
		if foyer {
			titre = "Avenant à la convention conclue entre l'État et le propriétaire d'un logement-foyer ou d'une résidence sociale"
		}
		if secondeVie {
			label = "Convention"
			titre = "Convention de seconde vie conclue entre l'État et le bailleur"
			if foyer {
				titre = "Convention de seconde vie d'un logement-foyer conclue entre l'État et le propriétaire"
			}
		}
		frame(d, label)
		cerfa(d, "avenant")
		d.Title(titre)
		if secondeVie {
			d.P(Para{Style: "Centre", Align: "center"}, B("Convention n° {{ convention.numero|default_str_if_none }}"))
			d.Text(T("La présente convention remplace, pour les logements qu'elle désigne, les conventions suivantes, qui prennent fin à la date de sa signature :"))
			d.Table(Table{
				Widths: []int{4800, 4800},
				Header: []string{"Convention remplacée", "Date de signature"},
				Loop:   "for pc in conventions_parentes",
				Cells:  []string{"{{ pc.numero|default_str_if_none }}", "{{ pc.televersement_convention_signee_le|sdd }}"},
			})
		} else {
			d.P(Para{Style: "Centre", Align: "center"}, B("{% if avenant_type_denonciation %}Dénonciation{% elif avenant_type_resiliation %}Résiliation{% else %}Avenant n° {{ convention.numero|default_str_if_none }}{% endif %} de la convention n° {{ parent_convention.numero|default_str_if_none }}"))
		}
		d.Text(B("Entre les soussignés :"))
		d.Text(T("L'État, représenté par {{ administration.nom }} ({{ administration.code }}), ci-après dénommé « l'administration »,"))
		d.Text(T("et {{ bailleur_nom }}, SIRET {{ bailleur_siret }}, {{ bailleur_adresse }} {{ bailleur_code_postal }} {{ bailleur_ville }}, représenté par {{ signataire_nom }}, {{ signataire_fonction }}, habilité par délibération du {{ signataire_date_deliberation|dd }}, ci-après dénommé « le bailleur »,"))
		d.If("avenant_type_bailleur", func() {
			d.Text(T("et {{ new_bailleur_nom }}, SIRET {{ new_bailleur_siret }}, {{ new_bailleur_adresse }} {{ new_bailleur_code_postal }} {{ new_bailleur_ville }}, représenté par {{ new_signataire_nom }}, {{ new_signataire_fonction }}, habilité par délibération du {{ new_signataire_date_deliberation|dd }}, ci-après dénommé « le nouveau bailleur »,"))
		})
		if foyer {
			d.If(`new_gestionnaire != "---"`, func() {
				d.Text(T("en présence de {{ new_gestionnaire }}, gestionnaire, représenté par {{ new_gestionnaire_signataire_nom }}, {{ new_gestionnaire_signataire_fonction }},"))
			})
		}
		d.Text(T("Vu la convention n° {{ parent_convention.numero|default_str_if_none }} relative à l'opération « {{ programme.nom }} », {{ adresse }}, {{ code_postal }} {{ ville }}, expirant le {{ parent_convention.date_fin_conventionnement|dd }},"))
		d.Text(T("il a été convenu ce qui suit :"))

		// Dénonciation and résiliation end the convention.
		d.If("avenant_type_denonciation", func() {
			d.Article("Article unique – Dénonciation de la convention")
			d.Text(T("Le bailleur dénonce la convention n° {{ parent_convention.numero|default_str_if_none }}, qui prend fin le {{ convention.date_denonciation|dd }}."))
			d.Text(T("Motif : {{ convention.motif_denonciation|default_str_if_none }}"))
			d.Line("Les locataires en place continuent de bénéficier des dispositions de la convention jusqu'au terme de leur bail.")
			concernes(d)
		})
		d.If("avenant_type_resiliation", func() {
			d.Article("Article unique – Résiliation de la convention")
			d.Text(T("La convention n° {{ parent_convention.numero|default_str_if_none }} est résiliée à compter du {{ convention.date_resiliation|dd }}."))
			d.Text(T("Motif : {{ convention.motif_resiliation|default_str_if_none }}"))
			concernes(d)
		})
		modifications := func() {
			d.Text(T("Le présent {% if convention.desc_avenant %}avenant ({{ convention.desc_avenant }}) {% endif %}modifie la convention comme suit."))
			d.If("avenant_type_bailleur", func() {
				d.Article("Changement de bailleur")
				d.Text(T("Le nouveau bailleur, {{ new_bailleur_nom }}, se substitue à {{ bailleur_nom }} dans les droits et obligations résultant de la convention."))
			})
			d.If("avenant_type_programme", func() {
				d.Article("Désignation de l'opération")
				d.Text(T("L'opération est désormais dénommée « {{ programme.nom }} » et située {{ adresse }}, {{ code_postal }} {{ ville }}."))
			})
			d.If("avenant_type_duree", func() {
				d.Article("Durée et financement")
				d.Text(T("La convention expire désormais le {{ convention.date_fin_conventionnement|dd }}."))
				d.Table(Table{
					Widths: []int{1800, 2600, 1700, 1400, 2100},
					Header: []string{"Numéro", "Prêteur", "Date d'octroi", "Durée (ans)", "Montant (€)"},
					Loop:   "for p in prets",
					Cells:  []string{"{{ p.numero|default_str_if_none }}", "{{ p.preteur_display() }}", "{{ p.date_octroi|sdd }}", "{{ p.duree|default_str_if_none }}", "{{ p.montant|f }}"},
				})
			})
			d.If("avenant_type_logements", func() {
				d.Article("Logements")
				d.Text(T("La liste des logements de la convention est remplacée par la suivante (surfaces en m², loyers en euros) :"))
				if foyer {
					d.Table(Table{
						Widths: []int{3000, 2000, 2200, 2400},
						Header: []string{"Numéro du logement", "Type", "Surface habitable", "Redevance maximale"},
						Loop:   "for l in logements",
						Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.loyer|f }}"},
						Total:  []string{"Total", "{{ logements|length }}", "{{ sh_totale|f }}", "{{ loyer_total|f }}"},
					})
				} else {
					d.Table(Table{
						Widths: []int{1700, 1000, 1500, 1500, 1400, 1000, 1500},
						Header: []string{"Désignation", "Type", "Surface habitable", "Surface utile", "Loyer au m²", "Coefficient", "Loyer maximum"},
						Loop:   "for l in logements",
						Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.surface_utile|f }}", "{{ l.loyer_par_metre_carre|f }}", "{{ l.coeficient|f(4) }}", "{{ l.loyer|f }}"},
						Total:  []string{"Total", "{{ logements|length }}", "{{ sh_totale|f }}", "{{ su_totale|f }}", "", "", "{{ loyer_total|f }}"},
					})
					d.If("logements_sans_loyer", func() {
						d.Text(T("Logements sans loyer :"))
						d.Table(Table{
							Widths: []int{3200, 2000, 2200, 2200},
							Header: []string{"Désignation", "Type", "Surface habitable", "Surface utile"},
							Loop:   "for l in logements_sans_loyer",
							Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.surface_utile|f }}"},
						})
					})
					d.If("logements_corrigee", func() {
						d.Text(T("Logements en surface corrigée :"))
						d.Table(Table{
							Widths: []int{2400, 1400, 1900, 1900, 2000},
							Header: []string{"Désignation", "Type", "Surface habitable", "Surface corrigée", "Loyer maximum"},
							Loop:   "for l in logements_corrigee",
							Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.surface_corrigee|f }}", "{{ l.loyer|f }}"},
						})
					})
					d.If("logements_corrigee_sans_loyer", func() {
						d.Text(T("Logements en surface corrigée sans loyer :"))
						d.Table(Table{
							Widths: []int{3200, 2000, 2200, 2200},
							Header: []string{"Désignation", "Type", "Surface habitable", "Surface corrigée"},
							Loop:   "for l in logements_corrigee_sans_loyer",
							Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.surface_corrigee|f }}"},
						})
					})
					d.Text(T("Annexes : {{ liste_des_annexes|default_str_if_none }}."))
				}
			})
			d.If("avenant_type_stationnement", func() {
				d.Article("Stationnements")
				d.Table(Table{
					Widths: []int{4600, 2400, 2600},
					Header: []string{"Type de stationnement", "Nombre", "Loyer maximum"},
					Loop:   "for s in stationnements",
					Cells:  []string{"{{ s.get_typologie_display() }}", "{{ s.nb_stationnements }}", "{{ s.loyer|f }}"},
				})
			})
			d.If("avenant_type_cadastre", func() {
				cadastre(d, "Cadastre")
			})
			d.If("avenant_type_edd", func() {
				edd(d, "EDD")
			})
			if foyer {
				d.If("avenant_type_foyer_attribution or avenant_type_residence_attribution", func() {
					d.Article("Attribution")
					d.Text(T("Réservations préfectorales : {{ convention.attribution_reservation_prefectorale|default_str_if_none }} % ; modalités : {{ convention.attribution_modalites_reservations|default_str_if_none }} ; choix des personnes : {{ convention.attribution_modalites_choix_personnes|default_str_if_none }}."))
				})
				d.If("avenant_type_variantes", func() {
					d.Article("Variantes")
					d.Text(T("Variante 1 : {% if convention.foyer_residence_variante_1 %}retenue{% else %}non retenue{% endif %} ; variante 2 : {% if convention.foyer_residence_variante_2 %}retenue ({{ convention.foyer_residence_variante_2_travaux|default_str_if_none }}){% else %}non retenue{% endif %} ; variante 3 : {% if convention.foyer_residence_variante_3 %}retenue{% else %}non retenue{% endif %}."))
				})
			}
			d.If("avenant_type_champ_libre", func() {
				d.Article("Autres modifications")
				d.Tag("{%p for ligne in convention.champ_libre_avenant|get_text_as_list %}")
				d.Bullet(T("{{ ligne }}"))
				d.Tag("{%p endfor %}")
			})
			d.Article("Dispositions inchangées")
			d.Line("Les autres stipulations de la convention demeurent inchangées.")
		}
		if !secondeVie {
			d.If("not avenant_type_denonciation and not avenant_type_resiliation", modifications)
		}
		if secondeVie {
			d.Subtitle("Logements et loyers")
			logementsOrdinairesOrFoyer(d, foyer)
			prets(d, "Financement")
		}
		d.Text(T("Fait en {{ administration.nb_convention_exemplaires }} exemplaires, à {{ administration.get_ville_signature_or_empty() }}, le"))
		d.Signatures(
			[]string{"Pour l'État", "{{ administration.nom }}", "{{ administration.signataire_bloc_signature|default_empty_if_none }}"},
			[]string{"Pour le bailleur", "{{ new_bailleur_nom }}", "{{ new_signataire_nom }}, {{ new_signataire_fonction }}", "{{ new_signataire_bloc_signature }}"},
		)
		d.If("avenant_type_bailleur", func() {
			d.Signatures([]string{"Pour le bailleur cédant", "{{ bailleur_nom }}", "{{ signataire_nom }}, {{ signataire_fonction }}"}, []string{""})
		})
		return d.Bytes(titre)
	}
}

// logementsOrdinairesOrFoyer writes the logements table of a seconde-vie
// convention.
func logementsOrdinairesOrFoyer(d *Doc, foyer bool) {
	if !foyer {
		logementsOrdinaires(d, "Logements conventionnés")
		return
	}
	d.Article("Logements conventionnés")
	d.Table(Table{
		Widths: []int{3000, 2000, 2200, 2400},
		Header: []string{"Numéro du logement", "Type", "Surface habitable", "Redevance maximale"},
		Loop:   "for l in logements",
		Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.loyer|f }}"},
		Total:  []string{"Total", "{{ logements|length }}", "{{ sh_totale|f }}", "{{ loyer_total|f }}"},
	})
}

// concernes lists the logements a dénonciation or résiliation ends.
func concernes(d *Doc) {
	d.Text(T("Logements concernés :"))
	d.Table(Table{
		Widths: []int{4000, 2000, 1800, 1800},
		Header: []string{"Désignation", "Type", "Surface habitable", "Loyer maximum"},
		Loop:   "for l in logements",
		Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.loyer|f }}"},
	})
}
