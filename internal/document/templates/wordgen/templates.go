package wordgen

// Template is one of the project's templates: its file name and its
// builder.
type Template struct {
	Name  string
	Build func() []byte
}

// Templates lists every template of the project (spec workflows §6.1 and
// §6.4), in file-name order.
func Templates() []Template {
	return []Template{
		{"Avenant-template.docx", avenant(false, false)},
		{"Avenant2ndeVie-Foyer-template.docx", avenant(true, true)},
		{"Avenant2ndeVie-HLM-template.docx", avenant(false, true)},
		{"FicheCAF-template.docx", ficheCAF},
		{"Foyer-template.docx", foyerResidence(false)},
		{"FoyerResidence-Avenant-template.docx", avenant(true, false)},
		{"HLM-template.docx", ordinaire(hlm)},
		{"Residence-template.docx", foyerResidence(true)},
		{"SEM-template.docx", ordinaire(sem)},
		{"Type1-template.docx", ordinaire(type1)},
		{"Type2-template.docx", ordinaire(type2)},
	}
}

// bailleurKind is what differs between the logements ordinaires
// conventions.
type bailleurKind struct {
	modele string
	titre  string
	role   string
	extra  []string
	mixite bool
}

var (
	hlm = bailleurKind{
		modele: "organismes d'habitations à loyer modéré",
		titre:  "Convention conclue entre l'État et un organisme d'habitations à loyer modéré",
		role:   "l'organisme",
		extra: []string{
			"L'organisme attribue les logements selon les règles applicables aux organismes d'habitations à loyer modéré, après passage en commission d'attribution des logements et d'examen de l'occupation des logements.",
		},
		mixite: true,
	}
	sem = bailleurKind{
		modele: "sociétés d'économie mixte",
		titre:  "Convention conclue entre l'État et une société d'économie mixte",
		role:   "la société",
		extra: []string{
			"La société attribue les logements selon les mêmes règles que les organismes d'habitations à loyer modéré, après passage en commission d'attribution des logements.",
		},
		mixite: true,
	}
	type1 = bailleurKind{
		modele: "type I (bailleurs autres que les organismes HLM et les SEM, logements financés avec l'aide de l'État)",
		titre:  "Convention de type I conclue entre l'État et un bailleur",
		role:   "le bailleur",
		extra: []string{
			"Les logements ayant bénéficié d'une aide de l'État pour leur construction, leur acquisition ou leur amélioration, le bailleur s'engage à les maintenir dans un état d'entretien et d'habitabilité conforme aux normes en vigueur pendant toute la durée de la convention.",
		},
	}
	type2 = bailleurKind{
		modele: "type II (bailleurs autres que les organismes HLM et les SEM, logements existants sans aide de l'État)",
		titre:  "Convention de type II conclue entre l'État et un bailleur",
		role:   "le bailleur",
		extra: []string{
			"Les logements n'ayant pas bénéficié d'aide de l'État, le bailleur s'engage à les louer dans les conditions de la présente convention dès leur libération et à proposer aux locataires en place un avenant à leur bail.",
		},
	}
)

// ordinaire is a convention of logements ordinaires.
func ordinaire(k bailleurKind) func() []byte {
	return func() []byte {
		d := &Doc{}
		frame(d, "Convention")
		cerfa(d, k.modele)
		d.Title(k.titre)
		d.Subtitle("relative aux logements ouvrant droit à l'aide personnalisée au logement")
		d.P(Para{Style: "Centre", Align: "center"}, T("(articles L. 831-1 et suivants du code de la construction et de l'habitation)"))
		d.P(Para{Style: "Centre", Align: "center"}, B("Convention n° {{ convention.numero|default_str_if_none }}"))
		parties(d, k.role)
		d.Subtitle("Titre I – Objet et durée")
		operation(d, "Article 1")
		duree(d, "Article 2")
		d.Subtitle("Titre II – Désignation de l'immeuble")
		cadastre(d, "Article 3")
		edd(d, "Article 4")
		d.Subtitle("Titre III – Logements et loyers")
		logementsOrdinaires(d, "Article 5")
		annexes(d, "Article 6")
		loyers(d, "Article 7")
		if k.mixite {
			mixite(d)
		}
		d.Subtitle("Titre IV – Financement")
		prets(d, "Article 8")
		d.Subtitle("Titre V – Engagements")
		engagements(d, "Article 9", k.extra...)
		d.Article("Article 10 – Contrôle et sanctions")
		d.Line("En cas de manquement du bailleur à ses engagements, l'administration peut, après mise en demeure restée sans effet, prononcer les sanctions prévues par le code de la construction et de l'habitation, ou résilier la présente convention.")
		d.Subtitle("Titre VI – Dispositions finales")
		fin(d, "Article 11", k.role)
		return d.Bytes(k.titre)
	}
}
