// Package programme is the content of a convention: the opération
// (programme), its lots, logements, annexes, stationnements, locaux
// collectifs, prêts, références cadastrales and EDD rows, and the
// convention fields the form's steps edit (spec workflows §3,
// data-model §5–§10). It reads the content, checks every step's rules,
// saves a step all or nothing under the editability rules, and lists
// what is missing before a submission.
//
// # Reading the content
//
// Load(ctx, q, conventionID) returns a *Content in nine queries whatever
// the number of rows: Convention (the row's form fields), Programme,
// Bailleur, Lots (by id; each with Logements of every kind — Logement.Kind
// says which of the four tables —, their Annexes, LocauxCollectifs,
// Stationnements, Prets), ReferencesCadastrales, EDD. Decimals are
// shopspring decimals (NullDecimal when the column is nullable), dates
// are civil Dates (String gives the date input's value, Short and Long
// the French forms), "text+files" columns are TextFiles. Helpers:
// Content.Logements(kind) (every lot, with the financement),
// Content.LotOf(financement), Content.Adresse(), Content.NbLogements().
//
// Steps(c) is the stepper of the convention (workflows §3.2: nature,
// bailleur, statut, avenant); Step.Label is its title, Next(c, step) the
// step that follows ("" for the récapitulatif), HasStep(c, step) whether a
// step belongs to the convention. The path segment of a step is its
// value (avenants prefix "avenant_").
//
// # Showing a step
//
// Each step has an input type holding the form's strings, and a
// constructor filling it with the stored values, which a page renders:
//
//	BailleurInputOf(c)                 BailleurInput (signataire, gestionnaire)
//	ProgrammeInputOf(c)                ProgrammeInput (Opération)
//	CadastreInputOf(c)                 CadastreInput, References []ReferenceCadastraleInput
//	EDDInputOf(c)                      EDDInput, Rows []LogementEDDInput
//	FinancementInputOf(c)              FinancementInput, Prets []PretInput
//	LogementsInputOf(c)                LogementsInput: Lots []LotInput, Tables[Kind] []LogementInput
//	FoyerResidenceLogementsInputOf(c)  FoyerResidenceLogementsInput: Lots, Rows
//	AnnexesInputOf(c)                  AnnexesInput: Lots (booleans), Rows []AnnexeInput
//	StationnementsInputOf(c)           StationnementsInput
//	CollectifInputOf(c)                CollectifInput: Lots, Rows []LocalCollectifInput
//	AttributionInputOf(c)              AttributionInput (Residence: the résidence variant)
//	VariantesInputOf(c)                VariantesInput
//	CommentairesInput{...}, ChampLibreInput{...}
//
// StoredInput(c, step) returns the right one as an Input. Rows carry
// their UUID (empty for a new row) and their Financement, which chooses
// the lot. A logements ordinaires convention posts only
// Tables[KindAvecLoyer]; an avenant posts the four tables.
//
// Selects take their options from the catalogue (below): TypesHabitat,
// TypesOperation, TypologiesLogementForm (logements ordinaires),
// TypologiesFoyerResidence, TypologiesAnnexe, TypologiesStationnement,
// Preteurs, FinancementsEDD, AttributionTypesFoyer; the lot financements
// of a row are the convention's lots (Content.Financements()). Labels
// beside inputs: FieldLabel(object, field) with the objects ObjProgramme,
// ObjConvention, ObjLot, ObjLogement (… ObjLogementFoyerResidence for the
// foyer table's "Numéro du logement" and "Redevance maximale").
//
// Comment widgets use the keys of keys.go: FieldKey(object, field, owner
// uuid) for a field, TableKey(object, lot or programme uuid) for a table,
// RowKey(object, row uuid) for a row. Whether an input is editable is the
// convention.Capability's answer: Editable() for the whole form,
// CanEditField(key) for one field.
//
// # Posting a step
//
// A handler builds the input from the form values, starting from the
// stored form so that fields a page does not show (or shows read-only)
// keep their values:
//
//	in := programme.ProgrammeInputOf(c)
//	in.Nom = r.PostForm.Get("nom") // … each posted field
//	res, err := programme.Save(ctx, tx, subject, conventionUUID, in,
//		programme.Options{IgnoreOptional: r.PostForm.Get("ignore_optional_errors") == "1"})
//
// Save locks the convention, decides editability with
// convention.Capabilities, validates, refuses changed fields the subject
// may not edit, then writes (rows with a uuid updated, rows without
// created, absent rows deleted; derived fields: date_fin_conventionnement,
// date_achevement_compile, numero_operation_pour_recherche, INSEE codes)
// and records a confirmed override in content_override (Overrides reads
// them). A locked field must be posted back with its stored value
// (render it read-only but posted, or start from the stored form as
// above): an absent row is a deleted row.
//
// # Errors
//
//   - *ValidationError (AsValidationError): nothing saved; Problems lists
//     Problem{Table, Row, Field, Message, Optional}. Problems.Field(name)
//     gives the messages of a field of the step, Problems.Cell(table, row,
//     field) those of a cell (tables: TableLots, TableAvecLoyer…
//     TableCorrigeeSansLoyer, TableFoyerLogements, TableAnnexes,
//     TableStationnements, TableLocauxCollectifs, TablePrets,
//     TableReferencesCadastrales, TableEDD; Row is the index of the posted
//     row), Problems.Table(table) those of a whole table, Problem.String
//     the sentence naming table, line and field (for an importer or a
//     flash). NeedsConfirmation() means only optional problems remain:
//     show them with « Valider quand même » and post again with
//     IgnoreOptional.
//   - *convention.Refusal: the convention is out of scope (ReasonScope:
//     answer 404), the subject may not edit it or that field
//     (ReasonRole, ReasonStatut: the message names the field), or the
//     step does not belong to it (ReasonPrecondition).
//
// Validate(c, in, env) runs the same rules without writing: an importer
// checks its rows with it before anything is saved.
//
// # Submission
//
// Missing(ctx, q, conv) lists in French what the content lacks (a lot
// without logement, stored values breaking a step's rules);
// convention.Submit takes it as its ContentCheck and refuses with the
// list (Refusal.Details).
//
// # Catalogue
//
// Every choice list of the content lives here, code → one French label,
// ordered as the selects show it: Financements, FinancementsEDD,
// TypologiesLogement (stored), TypologiesLogementForm,
// TypologiesFoyerResidence, TypologiesAnnexe, TypologiesStationnement,
// Preteurs, TypesOperation, TypesHabitat, NaturesLogement,
// NaturesLogementActives (creation select), Zones123, ZonesABC,
// Types1and2, AnnexeOptions, AttributionTypesFoyer, AttributionsAgees,
// AttributionsHandicapes, AttributionsResidence, AvenantTypes. A List
// answers Label(code) (unknown codes as stored), Has(code), CodeOf(label)
// (spreadsheets carry labels), Codes, Labels. Spreadsheet typologies go
// through TypologieFromImport (the normalisation table of workflows
// §4.1.6). IsPLSLike, HasMixiteOption, IsCDC, IsOutreMer and the nature
// families (IsFoyer, IsResidence) are the catalogue's predicates.
//
// Fields is the field catalogue: the label of every field of the form by
// (object, field), the object being the comment's nom_objet. FieldLabel
// is the label beside an input; CommentLabel(nom_objet, champ_objet)
// describes a comment's target out of context (the récapitulatif's list
// of open comments), falling back on the table's label, never on a
// technical name.
package programme
