package document

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// The validated data (conventions_convention.donnees_validees, spec
// data-model §20.9): a JSON snapshot of what the validated document is
// made from, kept as it was at validation. The rows are the tables' own
// columns under their Django names (to_jsonb); the figures are the
// document context's, computed by contextOf.

// snapshotSQL reads the rows of the snapshot ($1: convention id): the
// convention (without the snapshot itself), its programme, bailleur,
// administration and first lot, and the lists of the convention's lots
// and of its programme, in the documents' order.
const snapshotSQL = `SELECT jsonb_build_object(
	'convention', to_jsonb(c) - 'donnees_validees',
	'programme', to_jsonb(p),
	'bailleur', to_jsonb(b),
	'administration', to_jsonb(a),
	'lot', (SELECT to_jsonb(l) FROM programmes_lot l WHERE l.convention_id = c.id ORDER BY l.id LIMIT 1),
	'logements', COALESCE((SELECT jsonb_agg(to_jsonb(lg) ORDER BY l.id, lg.import_order NULLS LAST, lg.id)
		FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = c.id), '[]'),
	'annexes', COALESCE((SELECT jsonb_agg(to_jsonb(an) ORDER BY l.id, lg.import_order NULLS LAST, lg.id, an.id)
		FROM programmes_annexe an JOIN programmes_logement lg ON lg.id = an.logement_id
		JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = c.id), '[]'),
	'stationnements', COALESCE((SELECT jsonb_agg(to_jsonb(s) ORDER BY l.id, s.id)
		FROM programmes_typestationnement s JOIN programmes_lot l ON l.id = s.lot_id WHERE l.convention_id = c.id), '[]'),
	'logement_edds', COALESCE((SELECT jsonb_agg(to_jsonb(e) ORDER BY e.financement, e.designation, e.id)
		FROM programmes_logementedd e WHERE e.programme_id = p.id), '[]'),
	'references_cadastrales', COALESCE((SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id)
		FROM programmes_referencecadastrale r WHERE r.programme_id = p.id), '[]'))
FROM conventions_convention c
JOIN programmes_programme p ON p.id = c.programme_id
JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
LEFT JOIN instructeurs_administration a ON a.id = p.administration_id
WHERE c.id = $1`

// snapshotFigures are the context's figures the snapshot keeps.
var snapshotFigures = []string{"nb_logements_par_type", "lot_num", "loyer_m2", "liste_des_annexes",
	"mixPLUS_10pc", "mixPLUS_30pc", "mixPLUSinf10_30pc", "mixPLUSinf10_10pc", "mixPLUSsup10_30pc",
	"sh_totale", "sa_totale", "sar_totale", "su_totale", "sc_totale", "loyer_total"}

// Snapshot builds the validated data of the convention id.
func Snapshot(ctx context.Context, q Querier, conventionID int64) ([]byte, error) {
	s, err := load(ctx, q, conventionID, true)
	if err != nil {
		return nil, err
	}
	var rows map[string]json.RawMessage
	if err := q.QueryRow(ctx, snapshotSQL, conventionID).Scan(&rows); err != nil {
		return nil, fmt.Errorf("lecture des données validées : %w", err)
	}
	out := make(map[string]any, len(rows)+32)
	for k, v := range rows {
		out[k] = v
	}
	cdc, autres, err := snapshotPrets(ctx, q, conventionID)
	if err != nil {
		return nil, err
	}
	out["prets_cdc"], out["autres_prets"] = cdc, autres

	figures := contextOf(s, nil, optionsOf(nil))
	for _, k := range snapshotFigures {
		out[k] = figures[k]
	}
	for _, f := range []string{"PLS", "PLUS", "PLAI"} {
		for _, k := range []string{"sh_totale", "sa_totale", "sar_totale", "su_totale", "sc_totale", "loyer_total"} {
			out[f+"_"+k] = figures[f+"_"+k]
		}
	}

	p := s.content.Programme
	for name, tf := range map[string]programme.TextFiles{
		"vendeur": p.Vendeur, "acquereur": p.Acquereur, "reference_notaire": p.ReferenceNotaire,
		"reference_publication_acte": p.ReferencePublicationActe, "edd_volumetrique": p.EDDVolumetrique,
		"edd_classique": p.EDDClassique, "edd_stationnements": p.EDDStationnements,
		"acte_de_propriete": programme.ParseTextFiles(p.ActeDePropriete), "effet_relatif": programme.ParseTextFiles(p.EffetRelatif),
		"certificat_adressage": programme.ParseTextFiles(p.CertificatAdressage),
		"reference_cadastrale": programme.ParseTextFiles(p.ReferenceCadastrale),
	} {
		files := tf.Files
		if files == nil {
			files = map[string]json.RawMessage{}
		}
		out[name+"_files"] = files
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("données validées : %w", err)
	}
	return b, nil
}

// snapshotPrets are the loans of the convention's lots, CDC ones apart.
func snapshotPrets(ctx context.Context, q Querier, conventionID int64) (cdc, autres []json.RawMessage, err error) {
	rows, err := q.Query(ctx, `SELECT pr.preteur, to_jsonb(pr) FROM conventions_pret pr JOIN programmes_lot l ON l.id = pr.lot_id
		WHERE l.convention_id = $1 ORDER BY l.id, pr.id`, conventionID)
	if err != nil {
		return nil, nil, fmt.Errorf("lecture des prêts : %w", err)
	}
	defer rows.Close()
	cdc, autres = []json.RawMessage{}, []json.RawMessage{}
	for rows.Next() {
		var preteur string
		var row json.RawMessage
		if err := rows.Scan(&preteur, &row); err != nil {
			return nil, nil, fmt.Errorf("lecture des prêts : %w", err)
		}
		if programme.IsCDC(preteur) {
			cdc = append(cdc, row)
		} else {
			autres = append(autres, row)
		}
	}
	return cdc, autres, rows.Err()
}

// SaveSnapshot stores the validated data of the convention id in its
// donnees_validees column.
func SaveSnapshot(ctx context.Context, q Querier, conventionID int64) error {
	b, err := Snapshot(ctx, q, conventionID)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `UPDATE conventions_convention SET donnees_validees = $2 WHERE id = $1`, conventionID, string(b)); err != nil {
		return fmt.Errorf("enregistrement des données validées : %w", err)
	}
	return nil
}
