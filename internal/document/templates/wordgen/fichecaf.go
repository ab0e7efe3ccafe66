package wordgen

// ficheCAF is the information sheet sent to the Caisse d'allocations
// familiales for a signed convention.
func ficheCAF() []byte {
	d := &Doc{}
	d.HeaderP(Para{Style: "Petit", Align: "right"}, T("Fiche CAF – convention n° {{ convention.numero|default_str_if_none }}"))
	d.FooterPageNumber("")
	d.P(Para{Style: "Petit"}, B("RÉPUBLIQUE FRANÇAISE"))
	d.P(Para{Style: "Petit"}, T("{{ administration.nom }}"))
	d.Title("Fiche de renseignements à l'attention de la caisse d'allocations familiales")
	d.Subtitle("Logements ouvrant droit à l'aide personnalisée au logement")
	d.Table(Table{
		Widths: []int{3800, 5800},
		Rows: [][]string{
			{"Numéro de la convention", "{{ convention.numero|default_str_if_none }}"},
			{"Date de signature", "{{ convention.televersement_convention_signee_le|dd }}"},
			{"Date d'expiration", "{{ convention.date_fin_conventionnement|dd }}"},
			{"Bailleur", "{{ bailleur.nom }} (SIRET {{ bailleur.siret }}), {{ bailleur.adresse }} {{ bailleur.code_postal }} {{ bailleur.ville }}"},
			{"Opération", "{{ programme.nom }} – {{ programme.numero_operation|default_str_if_none }}"},
			{"Adresse des logements", "{{ adresse }}, {{ code_postal }} {{ ville }}"},
			{"Nature des logements", "{{ programme.get_nature_logement_display() }}"},
			{"Financement", "{{ lots.first().get_financement_display() }}"},
			{"Nombre de logements", "{{ logements|length }}"},
			{"Gestionnaire", "{{ convention.gestionnaire|default_str_if_none }}"},
			{"Public accueilli", "{% if programme.is_residence() %}{{ residence_attributions|default_str_if_none }}{% elif programme.is_foyer() %}{{ foyer_attributions|default_str_if_none }}{% else %}Logements ordinaires{% endif %}"},
		},
	})
	d.Article("Logements")
	d.Table(Table{
		Widths: []int{2000, 1100, 1500, 1500, 1500, 2000},
		Header: []string{"Désignation", "Type", "Surface habitable", "Surface annexes", "Surface utile", "Loyer ou redevance maximum"},
		Loop:   "for l in logements",
		Cells:  []string{"{{ l.designation }}", "{{ l.get_typologie_display() }}", "{{ l.surface_habitable|f }}", "{{ l.surface_annexes|f }}", "{{ l.surface_utile|f }}", "{{ l.loyer|f }}"},
		Total:  []string{"Total", "{{ logements|length }}", "{{ sh_totale|f }}", "{{ sa_totale|f }}", "{{ su_totale|f }}", "{{ loyer_total|f }}"},
	})
	d.Text(T("Répartition par type :"))
	d.Tag("{%p for typologie, nombre in nb_logements_par_type.items() %}")
	d.Bullet(T("{{ typologie }} : {{ nombre }} logement{{ nombre|pl }}"))
	d.Tag("{%p endfor %}")
	d.Text(T("Fiche établie par {{ administration.nom }}, {{ administration.adresse }} {{ administration.code_postal }} {{ administration.ville }}."))
	return d.Bytes("Fiche CAF")
}
