package programme

import "github.com/google/uuid"

// Comment keys ("<nom_objet>__<champ_objet>__<uuid_objet>", spec
// workflows §5) of the form's fields. A page puts the comment widget of a
// field under its key; an open comment on that key lets a bailleur change
// the field while the convention is in correction.
//
//   - a field: FieldKey(ObjProgramme, "nom", programme uuid);
//   - a table: TableKey(ObjLogement, lot uuid) (rows of a lot) or
//     TableKey(ObjReferenceCadastrale, programme uuid); a comment on the
//     table unlocks its rows, their addition and their removal;
//   - a row: RowKey(ObjLogement, logement uuid) (the reference's
//     "logement__uuid__<uuid>"); a comment on a row unlocks its cells and
//     its removal.

// FieldKey is the key of a field of an object.
func FieldKey(object, field string, owner uuid.UUID) string {
	return object + "__" + field + "__" + owner.String()
}

// tableFields name the table of each row object in its key.
var tableFields = map[string]string{
	ObjLogement:                  "logements",
	ObjLogementSansLoyer:         "logements",
	ObjLogementCorrigee:          "logements",
	ObjLogementCorrigeeSansLoyer: "logements",
	ObjAnnexe:                    "annexes",
	ObjStationnement:             "type_stationnements",
	ObjLocauxCollectifs:          "locaux_collectifs",
	ObjPret:                      "prets",
	ObjReferenceCadastrale:       "reference_cadastrale",
	ObjLogementEDD:               "logements_edd",
}

// TableKey is the key of a table of rows, owned by a lot (logements,
// annexes, stationnements, locaux collectifs, prêts) or by the programme
// (références cadastrales, EDD simplifié).
func TableKey(object string, owner uuid.UUID) string {
	return FieldKey(object, tableFields[object], owner)
}

// RowKey is the key of one row of a table.
func RowKey(object string, row uuid.UUID) string { return FieldKey(object, "uuid", row) }
