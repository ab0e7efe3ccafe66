// Package programme is the content of a convention: the opération
// (programme), its lots, logements, annexes, stationnements, locaux
// collectifs, prêts, références cadastrales and EDD rows, and the
// convention fields the form's steps edit (spec workflows §3,
// data-model §5–§10).
//
// # Catalogue
//
// Every choice list of the content lives here, code → one French label,
// ordered as the selects show it: Financements, FinancementsEDD,
// TypologiesLogement (stored), TypologiesLogementForm (logements
// ordinaires select), TypologiesFoyerResidence, TypologiesAnnexe,
// TypologiesStationnement, Preteurs, TypesOperation, TypesHabitat,
// NaturesLogement, NaturesLogementActives (creation select), Zones123,
// ZonesABC, Types1and2, AnnexeOptions, AttributionTypesFoyer,
// AttributionsAgees, AttributionsHandicapes, AttributionsResidence,
// AvenantTypes. A List answers Label(code) (unknown codes as stored),
// Has(code), CodeOf(label) (spreadsheets carry labels), Codes, Labels.
// Spreadsheet typologies go through TypologieFromImport (the
// normalisation table of workflows §4.1.6).
//
// Fields is the field catalogue: the label of every field of the form by
// (object, field), the object being the comment's nom_objet
// ("programme", "convention", "lot", "logement", "annexe", "pret"…).
// FieldLabel(object, field) is the label beside an input; CommentLabel
// (nom_objet, champ_objet) describes a comment's target out of context
// (the récapitulatif's list of open comments), falling back on the
// table's label, never on a technical name.
package programme
