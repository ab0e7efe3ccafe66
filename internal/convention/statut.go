// Package convention holds the life of a convention (and of an avenant,
// stored in the same table): its statuts and every transition between
// them (spec workflows §1), the numbering rules (data-model §20.3), the
// history journal, the signed and publication documents, avenants (deep
// clone, avenant types, reset of unticked types) and the dénonciation and
// résiliation of a convention with all its avenants.
//
// Every operation takes the caller's transaction and the request's
// access.Subject, locks the convention row, checks the current statut,
// the role and the scope on the server, applies its changes and writes
// one conventions_conventionhistory row per statut change. A refused
// operation returns a *Refusal carrying the French message and changes
// nothing. Notifications are returned as values, for the caller to
// enqueue once the transaction has committed.
package convention

import (
	"slices"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// Statut is the stored value of conventions_convention.statut: the label,
// not the enum name (spec workflows §0.1).
type Statut string

// The ten statuts, in the reference's order.
const (
	Projet             Statut = "1. Projet"
	Instruction        Statut = "2. Instruction requise"
	Correction         Statut = "3. Corrections requises"
	ASigner            Statut = "4. A signer"
	Signee             Statut = "5. Signée"
	PublicationEnCours Statut = "5. Publication en cours"
	Publie             Statut = "7. Publié"
	Resiliee           Statut = "6. Résiliée"
	Denoncee           Statut = "7. Dénoncée"
	Annulee            Statut = "8. Annulée en suivi"
)

// Statuts lists every statut in display order.
var Statuts = []Statut{Projet, Instruction, Correction, ASigner, Signee, PublicationEnCours, Publie, Resiliee, Denoncee, Annulee}

type statutInfo struct {
	name, instructeur, bailleur, icon, badge string
}

// statutInfos is the one table of statut labels: one label per statut and
// per audience (the State side, the bailleur), used by every list, page
// header, avenant table, history and message. {accord} takes "e" for a
// convention or a dénonciation, "" for another avenant.
var statutInfos = map[Statut]statutInfo{
	Projet:             {"PROJET", "En projet", "En projet", "edit", ""},
	Instruction:        {"INSTRUCTION", "À instruire", "En instruction", "eye", "fr-badge--info"},
	Correction:         {"CORRECTION", "En correction", "À corriger", "question-answer", "fr-badge--warning"},
	ASigner:            {"A_SIGNER", "À signer", "À signer", "draft", "fr-badge--new"},
	Signee:             {"SIGNEE", "Finalisé{accord}", "Finalisé{accord}", "checkbox-circle", "fr-badge--success"},
	PublicationEnCours: {"PUBLICATION_EN_COURS", "Publication en cours", "Publication en cours", "time", "fr-badge--success"},
	Publie:             {"PUBLIE", "Publié{accord}", "Publié{accord}", "success", "fr-badge--success"},
	Resiliee:           {"RESILIEE", "Résiliée", "Résiliée", "close-circle", "fr-badge--error"},
	Denoncee:           {"DENONCEE", "Dénoncée", "Dénoncée", "close-circle", "fr-badge--error"},
	Annulee:            {"ANNULEE", "Annulé{accord} en suivi", "Annulé{accord} en suivi", "close-circle", "fr-badge--error"},
}

// Valid reports whether s is one of the ten stored labels.
func (s Statut) Valid() bool { _, ok := statutInfos[s]; return ok }

// Name is the enum name (PROJET, ...), used in code and logs only.
func (s Statut) Name() string { return statutInfos[s].name }

// Audience is who reads a statut label.
type Audience int

const (
	// ForInstructeur: the State side, and anyone who is not a bailleur
	// working on its conventions.
	ForInstructeur Audience = iota
	// ForBailleur: a bailleur (access.Subject.BailleurSide).
	ForBailleur
)

// AudienceOf is the audience of the labels a subject reads.
func AudienceOf(s *access.Subject) Audience {
	if s.BailleurSide() {
		return ForBailleur
	}
	return ForInstructeur
}

// Accord is the agreement of a statut label for a row of this Kind
// ("convention", "avenant", "dénonciation", "résiliation"): "e" for the
// feminine ones, "" for an avenant.
func Accord(kind string) string {
	if kind == "avenant" {
		return ""
	}
	return "e"
}

// Label is the statut's label for audience a; accord as Accord returns
// ("e" when unsure: most rows are conventions).
func (s Statut) Label(a Audience, accord string) string {
	if a == ForBailleur {
		return fill(statutInfos[s].bailleur, accord)
	}
	return fill(statutInfos[s].instructeur, accord)
}

// Icon is the DSFR icon name (without the "fr-icon-" prefix and "-line").
func (s Statut) Icon() string { return statutInfos[s].icon }

// BadgeClass is the DSFR badge colour class of the statut ("" : neutral).
func (s Statut) BadgeClass() string { return statutInfos[s].badge }

func fill(label, accord string) string { return strings.ReplaceAll(label, "{accord}", accord) }

// Status groups used by the rules (data-model §10.1).
var (
	// ActiveStatuts: not yet signed.
	ActiveStatuts = []Statut{Projet, Instruction, Correction, ASigner}
	// CompletedStatuts: signed, possibly published.
	CompletedStatuts = []Statut{Signee, PublicationEnCours, Publie}
	// ValidatedStatuts: validated by the instructeur at least once.
	ValidatedStatuts = []Statut{ASigner, Signee, PublicationEnCours, Publie, Resiliee, Denoncee}
	// OngoingAvenantStatuts block the creation of another avenant.
	OngoingAvenantStatuts = []Statut{Projet, Instruction, Correction}
	// CommentableStatuts: comments may be written on fields (§5).
	CommentableStatuts = []Statut{Instruction, Correction, ASigner, Signee}
	// EndedStatuts: résiliée, dénoncée or annulée.
	EndedStatuts = []Statut{Resiliee, Denoncee, Annulee}
	// overviewStatuts open on the overview (post_action) rather than the
	// récapitulatif (spec §1.4).
	overviewStatuts = []Statut{Signee, PublicationEnCours, Publie, Resiliee, Denoncee}
)

// In reports whether s is one of list.
func (s Statut) In(list ...Statut) bool { return slices.Contains(list, s) }

// IsCompleted: SIGNEE, PUBLICATION_EN_COURS or PUBLIE.
func (s Statut) IsCompleted() bool { return s.In(CompletedStatuts...) }

// IsValidated: the UI's display_is_validated.
func (s Statut) IsValidated() bool { return s.In(ValidatedStatuts...) }

// InInstruction: INSTRUCTION or CORRECTION, while the instructeur and the
// bailleur exchange (the open comments are listed).
func (s Statut) InInstruction() bool { return s == Instruction || s == Correction }

// HasOverview: the convention opens on its overview (post_action) from a
// list, and its pages link to it; before signature, on its récapitulatif.
func (s Statut) HasOverview() bool { return s.In(overviewStatuts...) }

// strs converts statuts for SQL array parameters.
func strs(list []Statut) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return out
}
