package operation

import (
	"context"
	"fmt"
	"io"
)

// infoSIAPJSON is the InfoSIAP shape of convention c (spec
// access-api-ops §3.8) over aliases c, p (its programme) and pc (its
// parent): the convention, its operation and its lots.
const infoSIAPJSON = `json_build_object(
	'uuid', c.uuid, 'convention_parent_uuid', pc.uuid,
	'numero_convention', CASE WHEN c.parent_id IS NULL THEN c.numero ELSE pc.numero END,
	'numero_avenant', CASE WHEN c.parent_id IS NULL THEN NULL ELSE c.numero END,
	'avenant_types', COALESCE((SELECT json_agg(t.nom ORDER BY t.nom) FROM conventions_convention_avenant_types cat
		JOIN conventions_avenanttype t ON t.id = cat.avenanttype_id WHERE cat.convention_id = c.id), '[]'),
	'depuis_ecoloweb', EXISTS (SELECT 1 FROM ecoloweb_ecoloreference e WHERE e.apilos_model = 'conventions.convention' AND e.apilos_id = c.id),
	'date_fin_conventionnement', c.date_fin_conventionnement,
	'convention_date_signature', CASE WHEN c.parent_id IS NULL THEN c.televersement_convention_signee_le ELSE pc.televersement_convention_signee_le END,
	'date_denonciation', c.date_denonciation, 'date_resiliation', c.date_resiliation,
	'fond_propre', c.fond_propre, 'gestionnaire', c.gestionnaire, 'statut', c.statut,
	'operation', json_build_object('nom', p.nom,
		'bailleur', (SELECT json_build_object('nom', b.nom, 'siret', b.siret, 'siren', b.siren) FROM bailleurs_bailleur b WHERE b.id = p.bailleur_id),
		'administration', (SELECT json_build_object('nom', a.nom, 'code', a.code) FROM instructeurs_administration a WHERE a.id = p.administration_id),
		'code_postal', p.code_postal, 'ville', p.ville, 'adresse', p.adresse, 'numero_operation', p.numero_operation,
		'nature_logement', p.nature_logement, 'zone_123', p.zone_123, 'zone_abc', p.zone_abc, 'type_operation', p.type_operation,
		'anru', p.anru, 'date_achevement_previsible', p.date_achevement_previsible, 'date_achat', p.date_achat,
		'date_achevement', p.date_achevement),
	'lots', ` + lotsJSON + `)`

// infoSIAPBatch is how many conventions one query reads.
const infoSIAPBatch = 1000

// ExportInfoSIAP writes every convention (and avenant), oldest first, in
// the InfoSIAP shape, one JSON object per line, read by batches of 1 000;
// at most limit conventions when limit > 0. It returns how many were
// written.
func ExportInfoSIAP(ctx context.Context, q Querier, w io.Writer, limit int) (int, error) {
	n := 0
	var last int64
	for limit <= 0 || n < limit {
		batch := infoSIAPBatch
		if limit > 0 {
			batch = min(batch, limit-n)
		}
		rows, err := q.Query(ctx, `SELECT c.id, `+infoSIAPJSON+`::text
FROM conventions_convention c
JOIN programmes_programme p ON p.id = c.programme_id
LEFT JOIN conventions_convention pc ON pc.id = c.parent_id
WHERE c.id > $1 ORDER BY c.id LIMIT $2`, last, batch)
		if err != nil {
			return n, fmt.Errorf("export des conventions : %w", err)
		}
		read := 0
		for rows.Next() {
			var line string
			if err := rows.Scan(&last, &line); err != nil {
				rows.Close()
				return n, fmt.Errorf("export des conventions : %w", err)
			}
			if _, err := io.WriteString(w, line+"\n"); err != nil {
				rows.Close()
				return n, err
			}
			read++
			n++
		}
		if err := rows.Err(); err != nil {
			return n, fmt.Errorf("export des conventions : %w", err)
		}
		if read < batch {
			break
		}
	}
	return n, nil
}
