package programme

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
)

// Creation of a convention by hand (spec workflows §2.2 "Créer une
// convention ANRU", §2.3 "ajout simplifié"): the programme, its
// convention and the lot are written in the caller's transaction, after
// the subject's scope is checked on every chosen bailleur and
// administration. Nothing is written when an error is returned.

// Option is one entry of a select of the creation forms.
type Option struct {
	Value string // uuid
	Label string
}

// CreationChoices are the bailleurs and administrations a subject may
// create a convention for.
type CreationChoices struct {
	Bailleurs       []Option
	Administrations []Option
	// MoreBailleurs: the list was cut at MaxCreationChoices entries.
	MoreBailleurs bool
}

// MaxCreationChoices bounds the bailleur select (an instructeur may
// choose among every bailleur).
const MaxCreationChoices = 500

// Messages of the creation paths.
const (
	MsgHorsPerimetre      = "Code postal : cette opération serait hors de votre périmètre géographique"
	MsgOperationExists    = "Numéro d'opération : une opération de ce numéro existe déjà dans APiLos ; créez la convention depuis la page de l'opération"
	MsgFinancementPresent = "Financement : l'opération a déjà une convention pour ce financement"
)

// MsgOperationNotInApilos refuses step 2 of the ajout simplifié for an
// unknown (or invisible) operation (spec §2.3).
func MsgOperationNotInApilos(numero string) string {
	return fmt.Sprintf("L'opération %s n'a pas été trouvée dans Apilos.", numero)
}

// bailleurScope and administrationScope are the choices of the forms: a
// bailleur its bailleurs (and their children), a State agent every
// bailleur; an instructeur its administration, others every one.
func bailleurScope(s *access.Subject, a *access.Args) string { return access.BailleurScope(s, a, true) }

func administrationScope(s *access.Subject, a *access.Args) string {
	return access.AdministrationScope(s, a, !s.IsInstructeur())
}

// ReadCreationChoices lists what the creation forms offer to s.
func ReadCreationChoices(ctx context.Context, q db.Querier, s *access.Subject) (*CreationChoices, error) {
	if err := mayCreate(s); err != nil {
		return nil, err
	}
	var out CreationChoices
	var a access.Args
	rows, err := q.Query(ctx, `SELECT b.uuid::text, b.nom || COALESCE(' – SIREN ' || NULLIF(b.siren, ''), '')
		FROM bailleurs_bailleur b WHERE `+bailleurScope(s, &a)+` ORDER BY b.nom, b.id LIMIT `+a.Add(MaxCreationChoices+1), a.Values()...)
	if err != nil {
		return nil, fmt.Errorf("lecture des bailleurs : %w", err)
	}
	if out.Bailleurs, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Option]); err != nil {
		return nil, fmt.Errorf("lecture des bailleurs : %w", err)
	}
	if len(out.Bailleurs) > MaxCreationChoices {
		out.Bailleurs, out.MoreBailleurs = out.Bailleurs[:MaxCreationChoices], true
	}
	var b access.Args
	rows, err = q.Query(ctx, `SELECT a.uuid::text, a.nom || ' (' || a.code || ')'
		FROM instructeurs_administration a WHERE `+administrationScope(s, &b)+` ORDER BY a.nom, a.id`, b.Values()...)
	if err != nil {
		return nil, fmt.Errorf("lecture des administrations : %w", err)
	}
	if out.Administrations, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Option]); err != nil {
		return nil, fmt.Errorf("lecture des administrations : %w", err)
	}
	return &out, nil
}

// mayCreate refuses a subject that may not create conventions.
func mayCreate(s *access.Subject) error {
	if s.ReadOnly() {
		return &convention.Refusal{Reason: convention.ReasonRole, Message: convention.MsgReadOnly}
	}
	if !convention.MayCreateConventions(s) {
		return &convention.Refusal{Reason: convention.ReasonRole, Message: convention.MsgNoPermission}
	}
	return nil
}

// notVisible is the refusal of a chosen row outside the subject's scope
// (the web answers 404: its existence is not revealed).
func notVisible() error {
	return &convention.Refusal{Reason: convention.ReasonScope, Message: convention.MsgNotVisible}
}

// CreationError is a creation form with problems: nothing was written;
// Problems name the fields (Problems.Field gives each field's messages).
type CreationError struct{ Problems Problems }

func (e *CreationError) Error() string {
	return "La convention ne peut pas être créée : " + e.Problems.Error()
}

// AsCreationError unwraps a *CreationError.
func AsCreationError(err error) (*CreationError, bool) {
	var c *CreationError
	ok := errors.As(err, &c)
	return c, ok
}

// Created is a created convention.
type Created struct {
	ID   int64
	UUID uuid.UUID
	// Scans are the storage keys whose antivirus scan the caller enqueues
	// after the commit.
	Scans []string
}

// ANRUInput is the posted form of "Créer une convention ANRU" (spec
// §2.2): every field as typed.
type ANRUInput struct {
	Bailleur        string // uuid
	Administration  string // uuid
	Nom             string
	NumeroOperation string
	NatureLogement  string
	NbLogements     string
	TypeHabitat     string
	Financement     string
	CodePostal      string
	Ville           string
}

// CreateOptions tune a creation.
type CreateOptions struct {
	// ANRU sets programmes_programme.anru: the reference marks the
	// operation ANRU when the platform runs with the SIAP (CERBERE), where
	// this page is the path of operations outside the SIAP.
	ANRU bool
}

// anruPlan is a checked ANRU form.
type anruPlan struct {
	nom, numero, nature, typeHabitat, financement, codePostal, ville string
	nbLogements                                                      int
	bailleur, administration                                         string
}

func (in ANRUInput) check() (anruPlan, Problems) {
	var ps Problems
	prog, lot, bail := ps.fields(ObjProgramme), ps.fields(ObjLot), ps.fields(ObjBailleur)
	var p anruPlan
	p.bailleur = bail.text("uuid", in.Bailleur, true, "", 36)
	p.administration = prog.text("administration", in.Administration, true, "", 36)
	p.nom = prog.text("nom", in.Nom, true, MsgNomProgramme, 255)
	p.numero = prog.text("numero_operation", in.NumeroOperation, true, "", 255)
	p.nature = prog.choice("nature_logement", in.NatureLogement, NaturesLogementActives, true, "")
	if n := lot.integer("nb_logements", in.NbLogements, true, ""); n != nil {
		p.nbLogements = *n
	}
	p.typeHabitat = lot.choice("type_habitat", in.TypeHabitat, TypesHabitat, true, "")
	p.financement = lot.choice("financement", in.Financement, FinancementsEDD, true, "")
	// The rule of the Opération step: 5 characters.
	p.codePostal = strings.TrimSpace(in.CodePostal)
	if len([]rune(p.codePostal)) != 5 {
		prog.add("code_postal", MsgCodePostal)
	}
	p.ville = prog.text("ville", in.Ville, true, MsgVille, 255)
	return p, ps
}

// CreateANRU creates, in the caller's transaction, a programme outside
// the SIAP with its convention (PROJET, created by s) and one lot (spec
// §2.2). The bailleur must be one s may choose (its own for a bailleur)
// and the administration too (its own for an instructeur): another one is
// refused as not found. The programme must end up in s's scope. An
// operation number already used by a root programme is refused (the
// reference created a duplicate the operation page then rejects).
func CreateANRU(ctx context.Context, tx pgx.Tx, s *access.Subject, in ANRUInput, opt CreateOptions) (*Created, error) {
	if err := mayCreate(s); err != nil {
		return nil, err
	}
	p, ps := in.check()
	bailleurID, err := resolveChoice(ctx, tx, s, p.bailleur, "bailleurs_bailleur b", "b", bailleurScope)
	if err != nil {
		return nil, err
	}
	admID, err := resolveChoice(ctx, tx, s, p.administration, "instructeurs_administration a", "a", administrationScope)
	if err != nil {
		return nil, err
	}
	if p.numero != "" {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM programmes_programme WHERE parent_id IS NULL
				AND numero_operation_pour_recherche = $1)`, convention.NumeroPourRecherche(p.numero)).Scan(&exists); err != nil {
			return nil, err
		}
		if exists {
			ps.fields(ObjProgramme).add("numero_operation", MsgOperationExists)
		}
	}
	if len(ps) > 0 {
		return nil, &CreationError{Problems: ps}
	}
	typeOp := "NEUF"
	if p.financement == "SANS_FINANCEMENT" {
		typeOp = "SANSTRAVAUX"
	}
	var progID int64
	if err := tx.QueryRow(ctx, `INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche,
			bailleur_id, administration_id, code_postal, ville, nature_logement, type_operation, anru)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		p.nom, p.numero, convention.NumeroPourRecherche(p.numero), bailleurID, admID, p.codePostal, p.ville,
		p.nature, typeOp, opt.ANRU).Scan(&progID); err != nil {
		return nil, fmt.Errorf("création du programme : %w", err)
	}
	if err := fillInsee(ctx, tx, progID); err != nil {
		return nil, err
	}
	if err := checkProgrammeVisible(ctx, tx, s, progID); err != nil {
		return nil, err
	}
	return insertConvention(ctx, tx, s, progID, newConvention{statut: convention.Projet, financement: p.financement,
		typeHabitat: p.typeHabitat, nbLogements: p.nbLogements})
}

// resolveChoice finds the row of uuid value in table (alias) within
// scope; an unknown or out-of-scope uuid is refused as not visible. The
// empty value (a missing field, already reported) resolves to 0.
func resolveChoice(ctx context.Context, q db.Querier, s *access.Subject, value, table, alias string,
	scope func(*access.Subject, *access.Args) string) (int64, error) {
	if value == "" {
		return 0, nil
	}
	u, err := uuid.Parse(value)
	if err != nil {
		return 0, notVisible()
	}
	var a access.Args
	var id int64
	err = q.QueryRow(ctx, `SELECT `+alias+`.id FROM `+table+` WHERE `+alias+`.uuid = `+a.Add(u)+` AND `+scope(s, &a)+
		` ORDER BY `+alias+`.id LIMIT 1`, a.Values()...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, notVisible()
	}
	return id, err
}

// checkProgrammeVisible refuses a created programme s would not see (a
// bailleur's département filter, an administrateur's perimeter).
func checkProgrammeVisible(ctx context.Context, tx pgx.Tx, s *access.Subject, progID int64) error {
	var a access.Args
	var visible bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM programmes_programme p WHERE p.id = `+a.Add(progID)+` AND `+
		access.ProgrammeScope(s, &a)+`)`, a.Values()...).Scan(&visible); err != nil {
		return err
	}
	if !visible {
		return &CreationError{Problems: Problems{{Row: -1, Field: "code_postal", Message: MsgHorsPerimetre}}}
	}
	return nil
}

// newConvention is the convention and lot a creation writes.
type newConvention struct {
	statut                   convention.Statut
	numero                   string
	signeeAnnee              int // 1 January of that year as signature date; 0: none
	financement, typeHabitat string
	nbLogements              int
}

func insertConvention(ctx context.Context, tx pgx.Tx, s *access.Subject, progID int64, n newConvention) (*Created, error) {
	var creePar, numero, numeroRecherche, signeeLe any
	if s.UserID != 0 {
		creePar = s.UserID
	}
	if n.numero != "" {
		numero, numeroRecherche = n.numero, convention.NumeroPourRecherche(n.numero)
	}
	if n.signeeAnnee != 0 {
		signeeLe = fmt.Sprintf("%04d-01-01", n.signeeAnnee)
	}
	var out Created
	if err := tx.QueryRow(ctx, `INSERT INTO conventions_convention (programme_id, statut, cree_par_id, numero, numero_pour_recherche,
			televersement_convention_signee_le)
		VALUES ($1, $2, $3, $4, $5, $6::date) RETURNING id, uuid`,
		progID, string(n.statut), creePar, numero, numeroRecherche, signeeLe).Scan(&out.ID, &out.UUID); err != nil {
		return nil, fmt.Errorf("création de la convention : %w", err)
	}
	if n.typeHabitat == "" {
		n.typeHabitat = "INDIVIDUEL" // the column's default
	}
	if _, err := tx.Exec(ctx, `INSERT INTO programmes_lot (convention_id, financement, type_habitat, nb_logements)
		VALUES ($1, $2, $3, $4)`, out.ID, n.financement, n.typeHabitat, n.nbLogements); err != nil {
		return nil, fmt.Errorf("création du lot : %w", err)
	}
	return &out, nil
}
