package convention

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// Avenant messages.
const (
	MsgAvenantNeedsSigned      = "Un avenant ne peut être créé que pour une convention signée (ni résiliée, ni dénoncée)."
	MsgAvenantTypeUnknown      = "Type d'avenant inconnu : %s"
	MsgNotAvenant              = "Cette action ne s'applique qu'à un avenant."
	MsgAvenantNotEditable      = "L'avenant ne peut plus être modifié : il n'est plus en projet, en instruction ou en correction."
	MsgMotifTooLong            = "Le motif ne doit pas excéder 5000 caractères"
	MsgMotifResiliationMissing = "Vous devez saisir un motif de résiliation"
)

// OngoingAvenant returns the most recent avenant of the root convention
// in PROJET, INSTRUCTION or CORRECTION, or nil.
func OngoingAvenant(ctx context.Context, q Querier, rootID int64) (*Convention, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM conventions_convention
		WHERE parent_id = $1 AND statut = ANY($2) ORDER BY cree_le DESC, id DESC LIMIT 1`,
		rootID, strs(OngoingAvenantStatuts)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recherche d'un avenant en cours : %w", err)
	}
	return LoadByID(ctx, q, id)
}

// versionStatuts are the statuts of an avenant that is part of the
// convention's current text (validated and not annulled).
var versionStatuts = []Statut{ASigner, Signee, PublicationEnCours, Publie}

// LastVersion is the id of the latest version of the convention before
// the avenant `before` (0: the latest of all): its most recent avenant in
// A_SIGNER, SIGNEE, PUBLICATION_EN_COURS or PUBLIE, else the convention
// itself. Annulled, abandoned and dénonciation avenants are skipped, where
// the reference cloned the newest avenant whatever its statut.
func LastVersion(ctx context.Context, q Querier, rootID, before int64) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT a.id FROM conventions_convention a
		WHERE a.parent_id = $1 AND a.statut = ANY($2) AND a.id <> $3
		  AND ($3 = 0 OR a.cree_le < (SELECT b.cree_le FROM conventions_convention b WHERE b.id = $3)
		       OR (a.cree_le = (SELECT b.cree_le FROM conventions_convention b WHERE b.id = $3) AND a.id < $3))
		ORDER BY a.cree_le DESC, a.id DESC LIMIT 1`, rootID, strs(versionStatuts), before).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return rootID, nil
	}
	if err != nil {
		return 0, fmt.Errorf("recherche de la dernière version : %w", err)
	}
	return id, nil
}

// AvenantResult is the outcome of CreateAvenant.
type AvenantResult struct {
	Avenant *Convention
	// Created is false when an avenant was already in progress: it is
	// returned instead and nothing was created.
	Created bool
}

// CreateAvenant creates an avenant of the convention id (or of the
// convention of the avenant id): a deep copy of its last version
// (programme with cadastre and EDD rows, lots, logements with annexes,
// stationnements, locaux collectifs, prêts) in PROJET, created by the
// subject, with the avenant type typeNom if not empty. While another
// avenant is in PROJET, INSTRUCTION or CORRECTION, that one is returned
// and nothing is created (one avenant in progress at a time).
func CreateAvenant(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, typeNom string) (*AvenantResult, error) {
	c, err := Load(ctx, tx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, refuse(ReasonScope, MsgNotVisible)
	}
	if err != nil {
		return nil, err
	}
	// Lock the root: concurrent creations run one after the other, so
	// the ongoing rule holds.
	root, err := lockByID(ctx, tx, c.RootID())
	if err != nil {
		return nil, err
	}
	k, err := Capabilities(ctx, tx, s, root)
	if err != nil {
		return nil, err
	}
	ref := k.Refusal(ActionCreateAvenant)
	if ref != nil && ref != refusalOngoing {
		return nil, ref
	}
	typeID, err := avenantTypeID(ctx, tx, typeNom)
	if err != nil {
		return nil, err
	}
	if ref == refusalOngoing {
		return &AvenantResult{Avenant: k.Ongoing}, nil
	}
	source, err := LastVersion(ctx, tx, root.ID, 0)
	if err != nil {
		return nil, err
	}
	newID, err := cloneVersion(ctx, tx, source, root.ID, s.UserID)
	if err != nil {
		return nil, err
	}
	if typeID != 0 {
		if err := addType(ctx, tx, newID, typeID); err != nil {
			return nil, err
		}
	}
	av, err := LoadByID(ctx, tx, newID)
	if err != nil {
		return nil, err
	}
	return &AvenantResult{Avenant: av, Created: true}, nil
}

func avenantTypeID(ctx context.Context, q Querier, nom string) (int64, error) {
	if nom == "" {
		return 0, nil
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM conventions_avenanttype WHERE nom = $1`, nom).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, invalid("avenant_type", fmt.Sprintf(MsgAvenantTypeUnknown, nom))
	}
	if err != nil {
		return 0, fmt.Errorf("type d'avenant : %w", err)
	}
	return id, nil
}

func addType(ctx context.Context, tx pgx.Tx, convID, typeID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO conventions_convention_avenant_types (convention_id, avenanttype_id)
		VALUES ($1, $2) ON CONFLICT DO NOTHING`, convID, typeID)
	if err != nil {
		return fmt.Errorf("ajout du type d'avenant : %w", err)
	}
	return nil
}

// Convention columns an avenant does not inherit (data-model §20.4).
var notCloned = []string{"commentaires", "date_resiliation", "donnees_validees", "nom_fichier_signe", "numero",
	"numero_pour_recherche", "premiere_soumission_le", "soumis_le", "televersement_convention_signee_le",
	"valide_le", "date_publication_spf", "reference_spf", "date_envoi_spf", "date_refus_spf",
	"motif_refus_spf", "nom_fichier_publication_spf"}

// cloneVersion deep-copies convention source into a new avenant of root.
func cloneVersion(ctx context.Context, tx pgx.Tx, source, rootID, userID int64) (int64, error) {
	var srcProg, rootProg int64
	err := tx.QueryRow(ctx, `SELECT s.programme_id, COALESCE(p.parent_id, p.id)
		FROM conventions_convention s JOIN programmes_programme p ON p.id = s.programme_id
		WHERE s.id = $1`, source).Scan(&srcProg, &rootProg)
	if err != nil {
		return 0, fmt.Errorf("lecture de la version à copier : %w", err)
	}
	progs, err := copyRows(ctx, tx, copySpec{table: "programmes_programme", where: "id = $1", args: []any{srcProg},
		set: map[string]any{"parent_id": rootProg}})
	if err != nil {
		return 0, err
	}
	newProg := progs[srcProg]
	for _, child := range []string{collCadastre, collLogementEDD} {
		if _, err := copyRows(ctx, tx, copySpec{table: child, where: "programme_id = $1", args: []any{srcProg},
			set: map[string]any{"programme_id": newProg}}); err != nil {
			return 0, err
		}
	}
	set := map[string]any{"programme_id": newProg, "parent_id": rootID, "statut": string(Projet)}
	if userID != 0 {
		set["cree_par_id"] = userID
	} else {
		set["cree_par_id"] = nil
	}
	for _, col := range notCloned {
		set[col] = nil
	}
	convs, err := copyRows(ctx, tx, copySpec{table: "conventions_convention", where: "id = $1", args: []any{source}, set: set})
	if err != nil {
		return 0, err
	}
	newConv := convs[source]
	var rootLot *int64
	err = tx.QueryRow(ctx, `SELECT id FROM programmes_lot WHERE convention_id = $1 ORDER BY id LIMIT 1`, rootID).Scan(&rootLot)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("lecture du lot d'origine : %w", err)
	}
	lotSet := map[string]any{"convention_id": newConv, "parent_id": nil}
	if rootLot != nil {
		lotSet["parent_id"] = *rootLot
	}
	lots, err := copyRows(ctx, tx, copySpec{table: "programmes_lot", where: "convention_id = $1", args: []any{source}, set: lotSet})
	if err != nil {
		return 0, err
	}
	if err := copyLotChildren(ctx, tx, lots, []string{collLogements, collLocauxCollectifs, collPrets, collStationnements}); err != nil {
		return 0, err
	}
	return newConv, nil
}

// copyLotChildren copies the children tables of lots (old lot -> new lot);
// logements bring their annexes.
func copyLotChildren(ctx context.Context, tx pgx.Tx, lots map[int64]int64, tables []string) error {
	if len(lots) == 0 {
		return nil
	}
	for _, t := range tables {
		m, err := copyRows(ctx, tx, copySpec{table: t, where: "lot_id = ANY($1)", args: []any{keys(lots)},
			parentCol: "lot_id", parentMap: lots})
		if err != nil {
			return err
		}
		if t == collLogements && len(m) > 0 {
			if _, err := copyRows(ctx, tx, copySpec{table: "programmes_annexe", where: "logement_id = ANY($1)",
				args: []any{keys(m)}, parentCol: "logement_id", parentMap: m}); err != nil {
				return err
			}
		}
	}
	return nil
}

// AddAvenantType ticks an avenant type (the page of its block is
// programme.AvenantTypeStep).
func AddAvenantType(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, typeNom string) error {
	c, k, err := lockFor(ctx, tx, s, id, ActionChangeAvenantTypes)
	if err != nil {
		return err
	}
	if typeNom == "" {
		return invalid("avenant_type", fmt.Sprintf(MsgAvenantTypeUnknown, "(vide)"))
	}
	if ref := k.avenantTypeRefusal(typeNom); ref != nil {
		return ref
	}
	typeID, err := avenantTypeID(ctx, tx, typeNom)
	if err != nil {
		return err
	}
	if err := addType(ctx, tx, c.ID, typeID); err != nil {
		return err
	}
	return nil
}

// RemoveAvenantType unticks an avenant type and restores every field of
// that block from the previous version of the convention (LastVersion):
// columns are copied back; child rows (logements and annexes, locaux
// collectifs, prêts, stationnements, EDD rows, cadastral references) are
// deleted and copied again. Lots are matched by financement.
func RemoveAvenantType(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, typeNom string) error {
	c, k, err := lockFor(ctx, tx, s, id, ActionChangeAvenantTypes)
	if err != nil {
		return err
	}
	typeID, err := avenantTypeID(ctx, tx, typeNom)
	if err != nil {
		return err
	}
	if typeID == 0 {
		return invalid("avenant_type", fmt.Sprintf(MsgAvenantTypeUnknown, "(vide)"))
	}
	if ref := k.avenantTypeRefusal(typeNom); ref != nil {
		return ref
	}
	if _, err := tx.Exec(ctx, `DELETE FROM conventions_convention_avenant_types
		WHERE convention_id = $1 AND avenanttype_id = $2`, c.ID, typeID); err != nil {
		return fmt.Errorf("retrait du type d'avenant : %w", err)
	}
	prev, err := LastVersion(ctx, tx, c.RootID(), c.ID)
	if err != nil {
		return err
	}
	return resetFields(ctx, tx, c.ID, prev, FieldsOfType[typeNom])
}

// resetFields copies the fields f of convention prev onto convention cur.
func resetFields(ctx context.Context, tx pgx.Tx, cur, prev int64, f TypeFields) error {
	assign := func(cols []string) string {
		parts := make([]string, len(cols))
		for i, col := range cols {
			parts[i] = quoteIdent(col) + " = p." + quoteIdent(col)
		}
		return strings.Join(parts, ", ")
	}
	if len(f.Convention) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE conventions_convention c SET `+assign(f.Convention)+`
			FROM conventions_convention p WHERE c.id = $1 AND p.id = $2`, cur, prev); err != nil {
			return fmt.Errorf("restauration de la convention : %w", err)
		}
	}
	var curProg, prevProg int64
	err := tx.QueryRow(ctx, `SELECT (SELECT programme_id FROM conventions_convention WHERE id = $1),
		(SELECT programme_id FROM conventions_convention WHERE id = $2)`, cur, prev).Scan(&curProg, &prevProg)
	if err != nil {
		return fmt.Errorf("lecture des programmes : %w", err)
	}
	if len(f.Programme) > 0 && curProg != prevProg {
		if _, err := tx.Exec(ctx, `UPDATE programmes_programme c SET `+assign(f.Programme)+`
			FROM programmes_programme p WHERE c.id = $1 AND p.id = $2`, curProg, prevProg); err != nil {
			return fmt.Errorf("restauration du programme : %w", err)
		}
	}
	if curProg != prevProg {
		for _, t := range f.ProgrammeChildren {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE programme_id = $1`, curProg); err != nil {
				return fmt.Errorf("restauration de %s : %w", t, err)
			}
			if _, err := copyRows(ctx, tx, copySpec{table: t, where: "programme_id = $1", args: []any{prevProg},
				set: map[string]any{"programme_id": curProg}}); err != nil {
				return err
			}
		}
	}
	if len(f.Lot) == 0 && len(f.LotChildren) == 0 {
		return nil
	}
	// Pair lots by financement (prev lot -> cur lot).
	rows, err := tx.Query(ctx, `SELECT p.id, c.id FROM programmes_lot c
		JOIN programmes_lot p ON p.convention_id = $2 AND p.financement = c.financement
		WHERE c.convention_id = $1`, cur, prev)
	if err != nil {
		return fmt.Errorf("lecture des lots : %w", err)
	}
	pairs := map[int64]int64{}
	for rows.Next() {
		var p, c int64
		if err := rows.Scan(&p, &c); err != nil {
			rows.Close()
			return err
		}
		pairs[p] = c
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for p, c := range pairs {
		if len(f.Lot) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE programmes_lot c SET `+assign(f.Lot)+`
				FROM programmes_lot p WHERE c.id = $1 AND p.id = $2`, c, p); err != nil {
				return fmt.Errorf("restauration du lot : %w", err)
			}
		}
	}
	curLots := make([]int64, 0, len(pairs))
	for _, c := range pairs {
		curLots = append(curLots, c)
	}
	for _, t := range f.LotChildren {
		// Annexes go with their logements (ON DELETE CASCADE).
		if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE lot_id = ANY($1)`, curLots); err != nil {
			return fmt.Errorf("restauration de %s : %w", t, err)
		}
	}
	return copyLotChildren(ctx, tx, pairs, f.LotChildren)
}

// Denonciation is the form of a dénonciation avenant.
type Denonciation struct {
	Date  time.Time
	Motif string
	// Fichier is the text+files JSON of "Acte authentique/administratif"
	// ("" keeps the stored value).
	Fichier string
}

// SaveDenonciation records the date and motif of a dénonciation avenant.
func SaveDenonciation(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, d Denonciation) (*Convention, error) {
	c, _, err := lockFor(ctx, tx, s, id, ActionEditAvenant)
	if err != nil {
		return nil, err
	}
	if !c.IsDenonciation() {
		return nil, refuse(ReasonPrecondition, MsgNotDenonciation)
	}
	if d.Date.IsZero() {
		return nil, invalid("date_denonciation", MsgDenonciationDateMissing)
	}
	if utf8.RuneCountInString(d.Motif) > MaxCommentLength {
		return nil, invalid("motif_denonciation", MsgMotifTooLong)
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET date_denonciation = $2, motif_denonciation = $3,
		fichier_instruction_denonciation = COALESCE(NULLIF($4, ''), fichier_instruction_denonciation) WHERE id = $1`,
		c.ID, dateOnly(d.Date), d.Motif, d.Fichier); err != nil {
		return nil, fmt.Errorf("enregistrement de la dénonciation : %w", err)
	}
	return LoadByID(ctx, tx, c.ID)
}

// Resiliation is the form of a résiliation avenant ("Création" step and,
// optionally, the acte administratif).
type Resiliation struct {
	Date  time.Time
	Motif string
	// Acte is the text+files JSON of fichier_instruction_resiliation
	// ("" keeps the stored value).
	Acte string
}

// SaveResiliation records the date, motif and acte of a résiliation.
func SaveResiliation(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, r Resiliation) (*Convention, error) {
	c, _, err := lockFor(ctx, tx, s, id, ActionEditAvenant)
	if err != nil {
		return nil, err
	}
	if !c.IsResiliation() {
		return nil, refuse(ReasonPrecondition, MsgNotResiliation)
	}
	if r.Date.IsZero() {
		return nil, invalid("date_resiliation", MsgResiliationDateMissing)
	}
	if strings.TrimSpace(r.Motif) == "" {
		return nil, invalid("motif_resiliation", MsgMotifResiliationMissing)
	}
	if utf8.RuneCountInString(r.Motif) > MaxCommentLength {
		return nil, invalid("motif_resiliation", MsgMotifTooLong)
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET date_resiliation = $2, motif_resiliation = $3,
		fichier_instruction_resiliation = COALESCE(NULLIF($4, ''), fichier_instruction_resiliation) WHERE id = $1`,
		c.ID, dateOnly(r.Date), r.Motif, r.Acte); err != nil {
		return nil, fmt.Errorf("enregistrement de la résiliation : %w", err)
	}
	return LoadByID(ctx, tx, c.ID)
}

// SignedAvenant is a historic avenant signed outside APiLos (the ajout
// simplifié, spec workflows §2.3 step 3).
type SignedAvenant struct {
	Numero string
	// SigneeLe is the signature date ("YYYY-MM-DD").
	SigneeLe string
	// Types are the avenant types to tick.
	Types []string
}

// CreateSignedAvenant records a historic avenant of the root convention
// id: a copy of its last signed version, already SIGNEE with its number
// and signature date, created by s. The convention must be one s may
// create avenants of (signed, in scope); while an avenant is in
// progress it is refused, since the historic avenant would come after
// it. The caller then changes the copy's content and stores the PDF.
func CreateSignedAvenant(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, in SignedAvenant) (*Convention, error) {
	c, err := Load(ctx, tx, id)
	if errors.Is(err, ErrNotFound) || err == nil && c.ParentID != nil {
		return nil, refuse(ReasonScope, MsgNotVisible)
	}
	if err != nil {
		return nil, err
	}
	root, err := lockByID(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	k, err := Capabilities(ctx, tx, s, root)
	if err != nil {
		return nil, err
	}
	if ref := k.Refusal(ActionCreateAvenant); ref != nil {
		return nil, ref
	}
	typeIDs := make([]int64, 0, len(in.Types))
	for _, t := range in.Types {
		tid, err := avenantTypeID(ctx, tx, t)
		if err != nil {
			return nil, err
		}
		typeIDs = append(typeIDs, tid)
	}
	source, err := LastVersion(ctx, tx, root.ID, 0)
	if err != nil {
		return nil, err
	}
	newID, err := cloneVersion(ctx, tx, source, root.ID, s.UserID)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET statut = $2, numero = $3, numero_pour_recherche = $4,
			televersement_convention_signee_le = $5::date WHERE id = $1`,
		newID, string(Signee), in.Numero, NumeroPourRecherche(in.Numero), in.SigneeLe); err != nil {
		return nil, fmt.Errorf("enregistrement de l'avenant signé : %w", err)
	}
	for _, tid := range typeIDs {
		if err := addType(ctx, tx, newID, tid); err != nil {
			return nil, err
		}
	}
	return LoadByID(ctx, tx, newID)
}
