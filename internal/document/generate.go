package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// The generated document of a convention is stored at fixed keys next to
// its signed document (spec workflows §7.2): a new generation replaces
// the previous one, so a retried or duplicated task leaves one document.

// DocxKey is the storage key of the generated .docx of convention id.
func DocxKey(id uuid.UUID) string { return convention.SignedKey(id, id.String()+".docx") }

// PDFKey is the storage key of the generated PDF of convention id.
func PDFKey(id uuid.UUID) string { return convention.SignedKey(id, id.String()+".pdf") }

// State is the stored state of a generation (document_generation.statut).
type State string

// States of a generation.
const (
	Pending State = "en_attente"
	Running State = "en_cours"
	Done    State = "termine"
	Failed  State = "echec"
)

// Generation is the document_generation row of a convention.
type Generation struct {
	ConventionID int64
	// Demande is the request the stored files answer (Done) or will
	// answer; it is the task's identity.
	Demande    uuid.UUID
	State      State
	Tentatives int
	// Erreur is the last failure, in French ("" when none).
	Erreur string
	// StatutConvention is the convention's statut the document was
	// built for (its watermark depends on it).
	StatutConvention convention.Statut
	// SourceLe is the latest change of the data the document was built
	// from; Changed is the latest change now.
	SourceLe, Changed *time.Time
	DemandeLe         time.Time
	TermineLe         *time.Time
}

// sourceSQL is the latest change ($1: convention id) of the data a
// document shows: the convention, its programme, bailleur and
// administration, its lots and what hangs from them. mis_a_jour_le is
// refreshed by a trigger on every UPDATE (migration 00002); inserting
// rows touches their lot or programme through the form's saves.
const sourceSQL = `SELECT GREATEST(c.mis_a_jour_le, p.mis_a_jour_le, b.mis_a_jour_le, a.mis_a_jour_le,
	(SELECT max(l.mis_a_jour_le) FROM programmes_lot l WHERE l.convention_id = c.id),
	(SELECT max(lg.mis_a_jour_le) FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = c.id),
	(SELECT max(an.mis_a_jour_le) FROM programmes_annexe an JOIN programmes_logement lg ON lg.id = an.logement_id
		JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = c.id),
	(SELECT max(s.mis_a_jour_le) FROM programmes_typestationnement s JOIN programmes_lot l ON l.id = s.lot_id WHERE l.convention_id = c.id),
	(SELECT max(lc.mis_a_jour_le) FROM programmes_locauxcollectifs lc JOIN programmes_lot l ON l.id = lc.lot_id WHERE l.convention_id = c.id),
	(SELECT max(e.mis_a_jour_le) FROM programmes_logementedd e WHERE e.programme_id = p.id),
	(SELECT max(r.mis_a_jour_le) FROM programmes_referencecadastrale r WHERE r.programme_id = p.id))
FROM conventions_convention c
JOIN programmes_programme p ON p.id = c.programme_id
JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
LEFT JOIN instructeurs_administration a ON a.id = p.administration_id
WHERE c.id = $1`

// Status reads the generation of a convention; nil when none was ever
// requested.
func Status(ctx context.Context, q db.Querier, conventionID int64) (*Generation, error) {
	var g Generation
	var statut string
	err := q.QueryRow(ctx, `SELECT convention_id, demande, statut, tentatives, erreur, statut_convention, source_le, demande_le, termine_le
		FROM document_generation WHERE convention_id = $1`, conventionID).
		Scan(&g.ConventionID, &g.Demande, &g.State, &g.Tentatives, &g.Erreur, &statut, &g.SourceLe, &g.DemandeLe, &g.TermineLe)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de l'état du document : %w", err)
	}
	g.StatutConvention = convention.Statut(statut)
	if err := q.QueryRow(ctx, sourceSQL, conventionID).Scan(&g.Changed); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("lecture des dates de modification : %w", err)
	}
	return &g, nil
}

// Stale reports whether the data changed after the document was built.
func (g *Generation) Stale() bool {
	return g.SourceLe == nil || (g.Changed != nil && g.Changed.After(*g.SourceLe))
}

// NeedsGeneration decides whether opening the document of a convention
// in statut s must (re)build it: never built, failed, or built before a
// change while the convention is not validated yet. Once validated, the
// document built for the validated convention is the one sent for
// signature: opening it never rebuilds it (a new validation does).
func NeedsGeneration(g *Generation, s convention.Statut) bool {
	switch {
	case g == nil || g.State == Failed:
		return true
	case g.State != Done:
		return false // queued or running
	case s.IsValidated():
		return !g.StatutConvention.IsValidated()
	default:
		return g.StatutConvention != s || g.Stale()
	}
}

// Task is the content of a generation task: the convention and the
// request it answers.
type Task struct {
	Convention uuid.UUID `json:"convention_uuid"`
	Demande    uuid.UUID `json:"demande"`
}

// ID is the task's identity in the queue: one task per request.
func (t Task) ID() string { return "document:" + t.Demande.String() }

// Request records a new request for the document of a convention and
// returns the task to enqueue after the commit. Unless force, a request
// already queued or running is returned as it is (enqueuing it again is
// harmless: the queue keeps one task per request).
func Request(ctx context.Context, q db.Querier, conventionID int64, force bool) (Task, error) {
	var t Task
	err := q.QueryRow(ctx, `INSERT INTO document_generation (convention_id, demande, statut, demande_le)
		VALUES ($1, $2, 'en_attente', now())
		ON CONFLICT (convention_id) DO UPDATE SET
			demande = CASE WHEN $3 OR document_generation.statut IN ('termine', 'echec') THEN EXCLUDED.demande ELSE document_generation.demande END,
			statut = CASE WHEN $3 OR document_generation.statut IN ('termine', 'echec') THEN 'en_attente' ELSE document_generation.statut END,
			tentatives = CASE WHEN $3 OR document_generation.statut IN ('termine', 'echec') THEN 0 ELSE document_generation.tentatives END,
			erreur = CASE WHEN $3 OR document_generation.statut IN ('termine', 'echec') THEN '' ELSE document_generation.erreur END,
			demande_le = CASE WHEN $3 OR document_generation.statut IN ('termine', 'echec') THEN now() ELSE document_generation.demande_le END
		RETURNING demande, (SELECT uuid FROM conventions_convention WHERE id = $1)`,
		conventionID, uuid.New(), force).Scan(&t.Demande, &t.Convention)
	if err != nil {
		return t, fmt.Errorf("demande de génération du document : %w", err)
	}
	return t, nil
}

// BuildFunc builds the .docx of a convention: its file name and content.
type BuildFunc func(ctx context.Context, q db.Querier, conventionID int64) (name string, docx []byte, err error)

// Generator builds, converts and stores the documents (the worker's side).
type Generator struct {
	Pool      db.Querier
	Storage   storage.Storage
	Converter Converter
	// Build builds the .docx; Build of this package (templates or the
	// uploaded CERFA, from Storage) when nil.
	Build BuildFunc
}

func (g *Generator) build(ctx context.Context, id int64) ([]byte, error) {
	if g.Build != nil {
		_, doc, err := g.Build(ctx, g.Pool, id)
		return doc, err
	}
	doc, err := Build(ctx, g.Pool, id, WithStorage(g.Storage))
	if err != nil {
		return nil, err
	}
	return doc.Docx, nil
}

// Outcome is what one run of a task did.
type Outcome string

// Outcomes of Generator.Run.
const (
	Generated   Outcome = "genere"
	AlreadyDone Outcome = "deja_genere" // a duplicate of a finished task
	Superseded  Outcome = "remplace"    // a newer request will do it
	Gone        Outcome = "supprime"    // the convention was deleted
)

// Run builds the .docx of the task's request, converts it to PDF and
// stores both at their keys, then records the request as done. It can run
// any number of times for a request: a finished or replaced request is
// left alone, and an interrupted run is simply done again (the files are
// replaced whole). An error means the attempt failed and may be retried;
// with last set (no retry left) the generation is recorded as failed.
func (g *Generator) Run(ctx context.Context, t Task, last bool) (Outcome, error) {
	var id int64
	var demande *uuid.UUID
	var state *State
	err := g.Pool.QueryRow(ctx, `SELECT c.id, dg.demande, dg.statut FROM conventions_convention c
		LEFT JOIN document_generation dg ON dg.convention_id = c.id WHERE c.uuid = $1`, t.Convention).Scan(&id, &demande, &state)
	if errors.Is(err, pgx.ErrNoRows) {
		return Gone, nil
	}
	if err != nil {
		return "", fmt.Errorf("lecture de la demande de document : %w", err)
	}
	switch {
	case demande == nil || *demande != t.Demande:
		return Superseded, nil
	case *state == Done:
		return AlreadyDone, nil
	}
	if _, err := g.Pool.Exec(ctx, `UPDATE document_generation SET statut = 'en_cours', tentatives = tentatives + 1, commence_le = now()
		WHERE convention_id = $1 AND demande = $2`, id, t.Demande); err != nil {
		return "", fmt.Errorf("début de la génération : %w", err)
	}
	st, err := g.produce(ctx, id, t)
	if err != nil {
		g.recordFailure(ctx, id, t, err, last)
		return "", err
	}
	tag, err := g.Pool.Exec(ctx, `UPDATE document_generation SET statut = 'termine', erreur = '', termine_le = now(),
			source_le = $3, statut_convention = $4
		WHERE convention_id = $1 AND demande = $2`, id, t.Demande, st.source, string(st.statut))
	if err != nil {
		return "", fmt.Errorf("fin de la génération : %w", err)
	}
	if tag.RowsAffected() == 0 {
		return Superseded, nil
	}
	return Generated, nil
}

// stamp is what a document was built from.
type stamp struct {
	source *time.Time
	statut convention.Statut
}

func (g *Generator) produce(ctx context.Context, id int64, t Task) (stamp, error) {
	var st stamp
	var statut string
	// Read before building: a change made meanwhile makes it stale.
	if err := g.Pool.QueryRow(ctx, sourceSQL, id).Scan(&st.source); err != nil {
		return st, fmt.Errorf("lecture des dates de modification : %w", err)
	}
	if err := g.Pool.QueryRow(ctx, `SELECT statut FROM conventions_convention WHERE id = $1`, id).Scan(&statut); err != nil {
		return st, fmt.Errorf("lecture de la convention : %w", err)
	}
	st.statut = convention.Statut(statut)
	if g.Converter == nil || g.Storage == nil {
		return st, errors.New("génération du document : convertisseur PDF ou stockage non configuré")
	}
	doc, err := g.build(ctx, id)
	if err != nil {
		return st, err
	}
	pdf, err := g.Converter.ToPDF(ctx, doc)
	if err != nil {
		return st, err
	}
	if err := g.Storage.Put(ctx, DocxKey(t.Convention), bytes.NewReader(doc), int64(len(doc)), DocxContentType); err != nil {
		return st, fmt.Errorf("enregistrement du document Word : %w", err)
	}
	if err := g.Storage.Put(ctx, PDFKey(t.Convention), bytes.NewReader(pdf), int64(len(pdf)), "application/pdf"); err != nil {
		return st, fmt.Errorf("enregistrement du PDF : %w", err)
	}
	return st, nil
}

// DocxContentType is the media type of a .docx file.
const DocxContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Permanent reports whether retrying cannot help: the document cannot be
// produced for a reason the user must fix (*Error).
func Permanent(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// recordFailure keeps the error for the progress page. A run stopped by
// the worker's shutdown goes back to waiting: it is not a failure; a
// permanent one fails at once.
func (g *Generator) recordFailure(ctx context.Context, id int64, t Task, cause error, last bool) {
	// The run's context may be the cancelled one.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	state, msg := Running, cause.Error()
	switch {
	case errors.Is(cause, context.Canceled):
		state, msg = Pending, ""
	case last || Permanent(cause):
		state = Failed
	}
	_, _ = g.Pool.Exec(ctx, `UPDATE document_generation SET statut = $3, erreur = $4
		WHERE convention_id = $1 AND demande = $2 AND statut <> 'termine'`, id, t.Demande, string(state), msg)
}
