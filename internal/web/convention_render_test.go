package web

import (
	"github.com/MTES-MCT/apilos-go/internal/comment"
	"github.com/MTES-MCT/apilos-go/internal/search"
)

// Fixtures of the convention pages for TestRenderAllTemplates.
func init() {
	h := conventionHeader{UUID: "11111111-2222-3333-4444-555555555555", Title: "Convention n° 13.D.25.0001", Kind: "convention",
		Operation: "Les Calanques", NumOp: "13-2025-0001", Bailleur: "Habitat Calanques", Statut: "En instruction",
		BadgeClass: "fr-badge--info", RecapURL: "/conventions/recapitulatif/11111111-2222-3333-4444-555555555555",
		PostAction: "/conventions/post_action/11111111-2222-3333-4444-555555555555", JournalURL: "/conventions/journal/x"}
	cf := commentField{Enabled: true, CanAdd: true, Key: "programme__nom__", Label: "Nom de l'opération", NomObjet: "programme",
		ChampObjet: "nom", ConventionUUID: h.UUID, Next: h.RecapURL, Count: 1, Open: true,
		Comments: []commentItem{{UUID: "c1", Author: "Dominique", Date: "05/01/2024 10:00", Message: "Nom à corriger", StatutLabel: "Ouvert", CanResolve: true, CanClose: true}}}
	flashes := []flash{{Level: flashSuccess, Message: "Action réussie"}}

	renderFixtures["convention_search"] = func(p Page) (any, []string) {
		return searchView{Page: p, Flashes: flashes, CountLabel: "2 résultats",
				Statuts: []option{{"5. Signée", "Valide", true}}, Financements: []option{{"PLUS", "PLUS", false}},
				Natures: []option{{"AUTRE", "Autres logements foyers", false}}, Years: []option{{"2024", "2024", true}},
				Tabs:  []tabLink{{Label: "En cours", URL: "/conventions/recherche?cstatut=1.+Projet", Current: true}},
				Sorts: sortChoices, Pages: []pageLink{{Num: 1, URL: "/conventions/recherche", Current: true}, {Ellipsis: true}},
				NextURL: "/conventions/recherche?page=2", Filters: search.Filters{Numero: "0013"},
				Rows: []searchRow{{URL: "/conventions/recapitulatif/x", Numero: "13.D.25.0013", Statut: "À instruire",
					BadgeClass: "fr-badge--info", Operation: "Les Calanques", Bailleur: "Habitat Calanques",
					Commune: "13400 Aubagne", Financement: "PLUS, PLAI", Logements: "12"}}},
			[]string{"Action réussie", "2 résultats", `value="0013"`, "13.D.25.0013", "fr-badge--info", "PLUS, PLAI", `value="5. Signée" checked`, "page=2", `aria-current="page"`}
	}
	renderFixtures["convention_recap"] = func(p Page) (any, []string) {
		return recapView{Page: p, Flashes: flashes, H: h, Banner: "Le document de convention n'est pas encore soumis",
				Sections: []recapSection{{ID: "operation", Title: "Opération", Fields: []recapField{{Label: "Nom de l'opération", Value: "Les Calanques", Comment: cf}}}},
				Lots: []lotView{{UUID: "l1", Financement: "PLUS", Logements: []logementRow{{Designation: "A1", Typologie: "T2", SU: "50,00 m²", Loyer: "300,00 €"}},
					Totals: logementRow{Designation: "Total", Loyer: "300,00 €"}, Prets: []pretRow{{Preteur: "CDC pour le foncier", Montant: "100 000,00 €"}},
					Annexes: []annexeRow{{Logement: "A1", Typologie: "Terrasse"}}, Stationnement: []stationnementRow{{Typologie: "Garage aérien", Nombre: "3"}},
					Locaux: []localRow{{Type: "Salle commune"}}}},
				Cadastre: []cadastreRow{{Section: "AB", Numero: "12"}}, ShowOpen: true,
				OpenComments: comment.Summary{Count: 1}, OpenRows: []openCommentRow{{Label: "Nom de l'opération", Message: "Nom à corriger"}},
				History: []historyRow{{Date: "05/01/2024 10:00", From: "En projet", To: "À instruire", User: "Camille"}},
				Actions: recapActions{Submit: true, RequestCorrections: true, CorrectionsLabel: "Demander des corrections au bailleur",
					Resubmit: true, ResubmitLabel: "Notifier l'instructeur", Validate: true, ProposedNumero: "13.D.26.0001",
					Cancel: true, Type1and2: &type1and2Form{Value: "Type1", Editable: true}},
				AvenantTypes:   []avenantTypeToggle{{Nom: "duree", Label: "Durée et financement", Checked: true, Editable: true}, {Nom: "logements", Label: "Logements", Editable: true}},
				ConfirmUncheck: "duree", ConfirmUncheckLabel: "Durée et financement"},
			[]string{"Convention n° 13.D.25.0001", "Nom à corriger", "1 commentaire ouvert (non résolu)", `action="/comments/"`,
				"Marquer comme résolu", `name="SubmitConvention"`, `value="13.D.26.0001"`, "Demander des corrections au bailleur",
				"100 000,00 €", "Garage aérien", "Salle commune", `name="uncheck_avenant_type" value="duree"`, "Confirmer le retrait",
				`action="/conventions/remove_from_avenant/`, "À instruire", `value="Type1" selected`}
	}
	renderFixtures["convention_post_action"] = func(p Page) (any, []string) {
		return postActionView{Page: p, Flashes: flashes, H: h, SignedURL: "/conventions/display_pdf/x", SignedName: "convention_1.pdf",
				SignedDate: "15 mars 2024", CanEditSignature: true, SignatureDateValue: "2024-03-15", CanCreateAvenant: true, CanEnd: true,
				AvenantTypes: []option{{Value: "duree", Label: "Durée et financement"}}, RootUUID: h.UUID, SendToPublication: true,
				Avenants: []avenantRow{{URL: "/x", Numero: "n° 1", Statut: "Valide", Types: "Logements"}}},
			[]string{"convention_1.pdf", "15 mars 2024", `value="2024-03-15"`, "Créer un autre avenant", "Dénoncer la convention", "Envoyer pour publication", "n° 1"}
	}
	renderFixtures["convention_document"] = func(p Page) (any, []string) {
		return documentView{Page: p, Flashes: flashes, H: h, FileName: "convention_1.pdf", FileURL: "/conventions/display_pdf/x",
				CanUpload: true, CanDate: true, DateValue: "2024-03-15", UploadAction: "/conventions/sent/x", DateAction: "/conventions/upload_signed/date/x",
				CancelAction: "/conventions/upload_signed/cancel/x", BackToInstruction: true},
			[]string{`enctype="multipart/form-data"`, `name="televersement_convention_signee_le"`, "Étape 2 sur 2", "Repasser en instruction"}
	}
	renderFixtures["convention_journal"] = func(p Page) (any, []string) {
		return journalView{Page: p, H: h, History: []historyRow{{Date: "05/01/2024 10:00", From: "En projet", To: "À instruire", User: "Camille", Comment: "Voici"}}},
			[]string{"Historique des statuts", "Voici", "Camille"}
	}
	renderFixtures["convention_validate_confirm"] = func(p Page) (any, []string) {
		return validateConfirmView{Page: p, H: h, Question: "1 commentaire encore ouvert : confirmez-vous la validation ?", Numero: "75.D.26.0001",
				Rows: []openCommentRow{{Label: "Nom de l'opération", Message: "À revoir", Author: "Dominique", Date: "05/01/2024 10:00", Anchor: "/x#c"}}},
			[]string{"confirmez-vous la validation", "À revoir", `name="confirmer_commentaires_ouverts" value="1"`, `value="75.D.26.0001"`}
	}
	renderFixtures["convention_end"] = func(p Page) (any, []string) {
		return endFormView{Page: p, Flashes: flashes, H: h, Resiliation: true, Action: "/conventions/resiliation/x", Date: "2030-06-30", Motif: "Vente", Editable: true},
			[]string{`value="2030-06-30"`, "Vente", "Acte administratif"}
	}
	renderFixtures["operation"] = func(p Page) (any, []string) {
		return operationView{Page: p, Flashes: flashes, Numero: "13-2025-0001", CanCreate: true, CreateURL: "/operations/13-2025-0001",
				Programmes:  []operationProgramme{{Nom: "Les Calanques", Bailleur: "Habitat Calanques"}},
				Conventions: []operationConvention{{URL: "/x", Numero: "n° 1", Statut: "En projet", Financement: "PLAI", Logements: "10"}}},
			[]string{"Opération 13-2025-0001", "Les Calanques", "PLAI", "Créer les conventions manquantes"}
	}
}
