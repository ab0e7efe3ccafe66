package upload

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// ErrQuarantined: the antivirus found a virus in the file; it is not
// served any more.
var ErrQuarantined = errors.New("fichier mis en quarantaine par l'antivirus")

// belongsSQL keeps the files a convention ($2, programme $3) may show:
// those filed under it, its programme or its lots, and those its fields
// reference ($4 = '%<uuid>%'), which covers the attachments an avenant
// inherits from its parent's programme and files the reference stored
// without dirpath.
const belongsSQL = `(rtrim(f.dirpath, '/') IN (
		SELECT 'conventions/' || c.uuid || '/media' FROM conventions_convention c WHERE c.id = $2
		UNION ALL SELECT 'programmes/' || p.uuid || '/media' FROM programmes_programme p WHERE p.id = $3
		UNION ALL SELECT 'lots/' || l.uuid || '/media' FROM programmes_lot l WHERE l.convention_id = $2)
	OR EXISTS (SELECT 1 FROM conventions_convention c WHERE c.id = $2 AND concat_ws(' ', c.commentaires, c.attached,
		c.fichier_instruction_denonciation, c.fichier_instruction_resiliation, c.fichier_override_cerfa) LIKE $4)
	OR EXISTS (SELECT 1 FROM programmes_programme p WHERE p.id = $3 AND concat_ws(' ', p.vendeur, p.acquereur,
		p.reference_notaire, p.reference_publication_acte, p.edd_volumetrique, p.edd_classique, p.edd_stationnements,
		p.acte_de_propriete, p.effet_relatif, p.certificat_adressage, p.reference_cadastrale) LIKE $4)
	OR EXISTS (SELECT 1 FROM programmes_lot l WHERE l.convention_id = $2 AND concat_ws(' ', l.edd_volumetrique, l.edd_classique) LIKE $4)
	OR EXISTS (SELECT 1 FROM conventions_evenement e WHERE e.convention_id = $2 AND e.pieces_jointes LIKE $4))`

// Open returns the attachment fileUUID of the convention conv (already
// checked in the subject's scope by the route) and its content, which the
// caller closes. ErrNotFound when the file does not exist, does not
// belong to the convention or its object is missing; ErrQuarantined (the
// file returned, no content) when the antivirus found a virus.
func Open(ctx context.Context, q Querier, st storage.Storage, conv *access.ConventionRef, fileUUID string) (*File, io.ReadCloser, error) {
	id, err := uuid.Parse(fileUUID)
	if err != nil || conv == nil {
		return nil, nil, ErrNotFound
	}
	var f File
	var statut *string
	err = q.QueryRow(ctx, `SELECT f.id, f.uuid, f.filename, f.realname, f.dirpath, f.size, f.content_type, f.cree_le, f.mis_a_jour_le,
			(SELECT s.statut FROM upload_scan s WHERE s.uploaded_file_id = f.id ORDER BY s.id DESC LIMIT 1)
		FROM upload_uploadedfile f
		WHERE f.uuid = $1 AND `+belongsSQL, id, conv.ID, conv.ProgrammeID, "%"+id.String()+"%").
		Scan(&f.ID, &f.UUID, &f.Filename, &f.Realname, &f.Dirpath, &f.Size, &f.ContentType, &f.CreeLe, &f.MisAJourLe, &statut)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("lecture du fichier joint : %w", err)
	}
	if statut != nil && ScanStatut(*statut) == ScanInfected {
		return &f, nil, ErrQuarantined
	}
	body, err := st.Get(ctx, f.Key(conv.UUID))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return &f, body, nil
}
