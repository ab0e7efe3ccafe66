package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Convention statuts: the stored labels (data model §10.1).
const (
	statutProjet             = "1. Projet"
	statutInstruction        = "2. Instruction requise"
	statutCorrection         = "3. Corrections requises"
	statutASigner            = "4. A signer"
	statutSignee             = "5. Signée"
	statutPublicationEnCours = "5. Publication en cours"
	statutPublie             = "7. Publié"
	statutResiliee           = "6. Résiliée"
	statutDenoncee           = "7. Dénoncée"
	statutAnnulee            = "8. Annulée en suivi"
)

// Avenant types: primary keys of conventions/fixtures/avenant_types.json
// (data model §18.2), which every installation loads.
var avenantTypePK = map[string]int{
	"bailleur":     1,
	"logements":    2,
	"duree":        3,
	"commentaires": 4,
	"programme":    5,
	"champ_libre":  6,
	"denonciation": 7,
	"resiliation":  8,
}

type programmePlan struct {
	nom           string
	commune       int // index in communes
	bailleur      int // index in bailleurs
	typeOperation string
	typeHabitat   string // lots' TypeHabitat
	edd           bool   // the programme has an EDD (état descriptif de division)
	conventions   []conventionPlan
}

type conventionPlan struct {
	statut       string
	financements []string // one lot each; several make a "convention mixte"
	avenants     []avenantPlan
}

type avenantPlan struct {
	statut string
	types  []string // avenant type noms
}

// demoPlans is the story the demo tells: every statut of §10.1, a
// "convention mixte", a convention with a signed avenant (rents revised)
// and an avenant under instruction, a dénonciation through its avenant.
// Publication at the SPF happens only for a non-HLM, non-SEM bailleur, as
// §20.6 allows.
var demoPlans = []programmePlan{
	{"Résidence Les Jardins de Château-Gombert", 0, bailleurHLM, "NEUF", "COLLECTIF", false, []conventionPlan{
		{statutProjet, []string{"PLUS"}, nil},
		{statutCorrection, []string{"PLAI"}, nil},
	}},
	{"Les Terrasses du Jas de Bouffan", 1, bailleurSEM, "VEFA", "COLLECTIF", true, []conventionPlan{
		{statutInstruction, []string{"PLS"}, nil},
		{statutASigner, []string{"PLUS"}, nil},
	}},
	{"Le Clos des Passons", 2, bailleurHLM, "NEUF", "INDIVIDUEL", false, []conventionPlan{
		{statutSignee, []string{"PLUS"}, []avenantPlan{
			{statutSignee, []string{"logements"}},
			{statutInstruction, []string{"duree"}},
		}},
	}},
	{"Résidence Canto-Perdrix", 3, bailleurHLM, "NEUF", "COLLECTIF", false, []conventionPlan{
		{statutResiliee, []string{"PLUS"}, nil},
		{statutAnnulee, []string{"PLAI"}, nil},
	}},
	{"Les Logis de l'Abeille", 4, bailleurAsso, "ACQUISAMELIORATION", "MIXTE", true, []conventionPlan{
		{statutPublie, []string{"PLAI"}, nil},
		{statutPublicationEnCours, []string{"PLUS"}, nil},
	}},
	{"Résidence Les Pins", 5, bailleurSEM, "ACQUISAMELIORATION", "COLLECTIF", false, []conventionPlan{
		{statutDenoncee, []string{"PLUS"}, []avenantPlan{
			{statutDenoncee, []string{"denonciation"}},
		}},
	}},
	{"Le Mas de la Crau", 8, bailleurAsso, "NEUF", "INDIVIDUEL", true, []conventionPlan{
		{statutProjet, []string{"PLUS", "PLAI"}, nil},
		{statutSignee, []string{"PLS"}, nil},
	}},
}

var nomsProgramme = []string{
	"Résidence Les Oliviers", "Les Hauts de %s", "Le Hameau des Cigales", "Résidence Le Lavandin",
	"Les Restanques", "Résidence Frédéric Mistral", "Le Clos Saint-Jean", "Les Balcons de %s",
	"Résidence Les Micocouliers", "Le Domaine des Amandiers", "Les Jardins de %s", "Résidence Marcel Pagnol",
}

// randomPlan makes a programme beyond the demo's story, for bulk datasets
// (load tests): simple statut paths, one or two conventions.
func randomPlan(rng *rand.Rand, i int) programmePlan {
	c := rng.IntN(len(communes))
	b := rng.IntN(len(bailleurs))
	nom := nomsProgramme[rng.IntN(len(nomsProgramme))]
	if strings.Contains(nom, "%s") {
		nom = fmt.Sprintf(nom, communes[c].ville)
	}
	nom = fmt.Sprintf("%s (%d)", nom, i+1)
	statuts := []string{statutProjet, statutInstruction, statutCorrection, statutASigner,
		statutSignee, statutResiliee, statutAnnulee}
	if bailleurs[b].nature == natureAutres {
		statuts = append(statuts, statutPublicationEnCours, statutPublie)
	}
	fins := []string{"PLUS", "PLAI", "PLS"}
	rng.Shuffle(len(fins), func(a, b int) { fins[a], fins[b] = fins[b], fins[a] })
	n := 1 + rng.IntN(2)
	p := programmePlan{
		nom:           nom,
		commune:       c,
		bailleur:      b,
		typeOperation: []string{"NEUF", "VEFA", "ACQUISAMELIORATION"}[rng.IntN(3)],
		typeHabitat:   []string{"COLLECTIF", "INDIVIDUEL", "MIXTE"}[rng.IntN(3)],
		edd:           rng.IntN(3) == 0,
	}
	for k := range n {
		p.conventions = append(p.conventions, conventionPlan{
			statut:       statuts[rng.IntN(len(statuts))],
			financements: []string{fins[k]},
		})
	}
	return p
}
