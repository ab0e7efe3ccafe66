package access

// Stored statut labels the editing rules need (the convention package
// owns the full list; access cannot import it, the convention rules
// import access).
const (
	statutProjet      = "1. Projet"
	statutInstruction = "2. Instruction requise"
	statutCorrection  = "3. Corrections requises"
)

// OpenComments is the set of comment keys with at least one OPEN comment
// (statut OUVERT) on a convention: "<nom_objet>__<champ_objet>__<uuid_objet>"
// (uuid_objet may be empty), e.g. "programme__nom__<uuid>". Resolved and
// closed comments do not belong to it.
type OpenComments map[string]bool

// ConventionEditable reports whether the subject may edit the convention's
// forms now (spec §1.6), before any comment:
//   - an inactive account, a read-only role, or nobody: never;
//   - State side (superuser, staff, instructeur, administrateur): always in
//     expert mode, otherwise when the statut is PROJET, INSTRUCTION or
//     CORRECTION;
//   - bailleur: when the statut is PROJET;
//   - anyone else (partenaire, account without role): never.
//
// It is the rule of the whole form; saving must also pass the route's
// change permission on the convention (PermOn).
func ConventionEditable(s *Subject, statut string) bool {
	if s.Anonymous() || !s.IsActive || s.ReadOnly() {
		return false
	}
	if s.InstructeurSide() {
		if s.Expert {
			return true
		}
		return statut == statutProjet || statut == statutInstruction || statut == statutCorrection
	}
	if s.BailleurSide() {
		return statut == statutProjet
	}
	return false
}

// FieldEditable reports whether one field (its comment key, see
// OpenComments) may be edited now: when the whole convention is editable,
// or, for a bailleur on a convention in CORRECTION, when that exact field
// has an open comment. The reference unlocked the field for a comment of
// any statut; only open comments unlock here.
func FieldEditable(s *Subject, statut, field string, open OpenComments) bool {
	if ConventionEditable(s, statut) {
		return true
	}
	return statut == statutCorrection && s.BailleurSide() && !s.ReadOnly() && open[field]
}
