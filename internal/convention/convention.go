package convention

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/db"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Querier is what the read functions need: a pool, a connection or a
// transaction.
type Querier = db.Querier

// Convention is what the life-cycle rules read of a convention or an
// avenant, with its programme, bailleur and administration.
type Convention struct {
	ID                            int64
	UUID                          uuid.UUID
	ParentID                      *int64 // set: this is an avenant of ParentID
	Numero                        string // "" when NULL
	Statut                        Statut
	CreeParID                     *int64
	CreeParInstructeur            bool // the creator has an instructeur or administrateur role
	CreeParBailleur               bool // the creator has a bailleur role
	PremiereSoumissionLe          *time.Time
	SoumisLe                      *time.Time
	ValideLe                      *time.Time
	NomFichierSigne               string
	NomFichierPublicationSPF      string
	TeleversementSigneeLe         *time.Time
	DatePublicationSPF            *time.Time
	ReferenceSPF                  string
	DateDenonciation              *time.Time
	DateResiliation               *time.Time
	FichierInstructionResiliation string
	Type1and2                     string
	CreeLe                        time.Time

	ProgrammeID          int64
	ProgrammeUUID        uuid.UUID
	ProgrammeNom         string
	NumeroOperation      string
	NatureLogement       string
	CodeInseeDepartement string
	Ville                string
	BailleurID           int64
	BailleurNom          string
	NatureBailleur       string
	AdministrationID     *int64
	AdministrationCode   string
	AdministrationNom    string
	AvenantTypes         []string // names, sorted
	ParentNumero         string   // the root's numero, for an avenant
	ParentStatut         Statut   // the root's statut, for an avenant
	ParentUUID           uuid.UUID
}

// IsAvenant reports whether the row is an avenant (parent set).
func (c *Convention) IsAvenant() bool { return c.ParentID != nil }

// HasType reports whether the avenant carries the avenant type nom.
func (c *Convention) HasType(nom string) bool {
	for _, t := range c.AvenantTypes {
		if t == nom {
			return true
		}
	}
	return false
}

// IsDenonciation: an avenant of type denonciation.
func (c *Convention) IsDenonciation() bool { return c.IsAvenant() && c.HasType(TypeDenonciation) }

// IsResiliation: an avenant of type resiliation.
func (c *Convention) IsResiliation() bool { return c.IsAvenant() && c.HasType(TypeResiliation) }

// Kind is the wording of messages: "dénonciation", "résiliation",
// "avenant" or "convention", checked in that order.
func (c *Convention) Kind() string {
	switch {
	case c.IsDenonciation():
		return "dénonciation"
	case c.IsResiliation():
		return "résiliation"
	case c.IsAvenant():
		return "avenant"
	}
	return "convention"
}

// StatutLabel is the label of the row's statut for audience a, in the
// row's agreement.
func (c *Convention) StatutLabel(a Audience) string { return c.Statut.Label(a, Accord(c.Kind())) }

// RootUUID is the uuid of the convention the row belongs to.
func (c *Convention) RootUUID() uuid.UUID {
	if c.ParentID != nil {
		return c.ParentUUID
	}
	return c.UUID
}

// RootID is the id of the convention the row belongs to (itself for a
// convention, its parent for an avenant).
func (c *Convention) RootID() int64 {
	if c.ParentID != nil {
		return *c.ParentID
	}
	return c.ID
}

// Nature families of the programme (data-model §5).
func (c *Convention) IsFoyer() bool { return c.NatureLogement == "AUTRE" }

// IsResidence: hébergement, résidence sociale, pension de famille,
// résidence d'accueil.
func (c *Convention) IsResidence() bool {
	switch c.NatureLogement {
	case "HEBERGEMENT", "RESISDENCESOCIALE", "PENSIONSDEFAMILLE", "RESIDENCEDACCUEIL":
		return true
	}
	return false
}

// IsRHVS: résidence hôtelière à vocation sociale.
func (c *Convention) IsRHVS() bool { return c.NatureLogement == "RHVS" }

// IsNotSPF: résidence universitaire, logements ordinaires or résidence.
func (c *Convention) IsNotSPF() bool {
	return c.NatureLogement == "RESIDENCEUNIVERSITAIRE" || c.NatureLogement == "LOGEMENTSORDINAIRES" || c.IsResidence()
}

// BailleurIsType1and2: the bailleur is neither HLM nor SEM.
func (c *Convention) BailleurIsType1and2() bool {
	return c.NatureBailleur != "HLM" && c.NatureBailleur != "SEM"
}

// CanBePublished is the publication eligibility (data-model §20.6).
func (c *Convention) CanBePublished() bool {
	return c.IsFoyer() || c.IsRHVS() ||
		(c.IsNotSPF() && (c.BailleurIsType1and2() || c.Statut.In(PublicationEnCours, Publie)))
}

// NeedsType1and2 reports whether the convention must choose Type I or II
// before validation: a non-HLM, non-SEM bailleur, not an avenant, not a
// foyer or résidence.
func (c *Convention) NeedsType1and2() bool {
	return !c.IsAvenant() && c.BailleurIsType1and2() && !c.IsFoyer() && !c.IsResidence()
}

// ErrNotFound is returned when no convention has the uuid.
var ErrNotFound = errors.New("convention introuvable")

const selectConvention = `
SELECT c.id, c.uuid, c.parent_id, COALESCE(c.numero, ''), c.statut, c.cree_par_id,
       COALESCE(EXISTS (SELECT 1 FROM users_role r WHERE r.user_id = c.cree_par_id
                        AND r.typologie IN ('INSTRUCTEUR', 'ADMINISTRATEUR')), false),
       COALESCE(EXISTS (SELECT 1 FROM users_role r WHERE r.user_id = c.cree_par_id
                        AND r.typologie = 'BAILLEUR'), false),
       c.premiere_soumission_le, c.soumis_le, c.valide_le,
       COALESCE(c.nom_fichier_signe, ''), COALESCE(c.nom_fichier_publication_spf, ''),
       c.televersement_convention_signee_le, c.date_publication_spf, COALESCE(c.reference_spf, ''),
       c.date_denonciation, c.date_resiliation, COALESCE(c.fichier_instruction_resiliation, ''),
       COALESCE(c.type1and2, ''), c.cree_le,
       p.id, p.uuid, p.nom, p.numero_operation, p.nature_logement, p.code_insee_departement, p.ville,
       b.id, b.nom, b.nature_bailleur,
       p.administration_id, COALESCE(a.code, ''), COALESCE(a.nom, ''),
       COALESCE((SELECT array_agg(t.nom ORDER BY t.nom) FROM conventions_convention_avenant_types cat
                 JOIN conventions_avenanttype t ON t.id = cat.avenanttype_id
                 WHERE cat.convention_id = c.id), '{}'),
       COALESCE(pc.numero, ''), COALESCE(pc.statut, ''), pc.uuid
FROM conventions_convention c
JOIN programmes_programme p ON p.id = c.programme_id
JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
LEFT JOIN instructeurs_administration a ON a.id = p.administration_id
LEFT JOIN conventions_convention pc ON pc.id = c.parent_id
`

func scanConvention(row pgx.Row) (*Convention, error) {
	var c Convention
	var statut, parentStatut string
	var parentUUID *uuid.UUID
	err := row.Scan(&c.ID, &c.UUID, &c.ParentID, &c.Numero, &statut, &c.CreeParID,
		&c.CreeParInstructeur, &c.CreeParBailleur,
		&c.PremiereSoumissionLe, &c.SoumisLe, &c.ValideLe,
		&c.NomFichierSigne, &c.NomFichierPublicationSPF,
		&c.TeleversementSigneeLe, &c.DatePublicationSPF, &c.ReferenceSPF,
		&c.DateDenonciation, &c.DateResiliation, &c.FichierInstructionResiliation,
		&c.Type1and2, &c.CreeLe,
		&c.ProgrammeID, &c.ProgrammeUUID, &c.ProgrammeNom, &c.NumeroOperation, &c.NatureLogement,
		&c.CodeInseeDepartement, &c.Ville,
		&c.BailleurID, &c.BailleurNom, &c.NatureBailleur,
		&c.AdministrationID, &c.AdministrationCode, &c.AdministrationNom,
		&c.AvenantTypes, &c.ParentNumero, &parentStatut, &parentUUID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de la convention : %w", err)
	}
	c.Statut, c.ParentStatut = Statut(statut), Statut(parentStatut)
	if parentUUID != nil {
		c.ParentUUID = *parentUUID
	}
	return &c, nil
}

// Load reads a convention by uuid, without locking.
func Load(ctx context.Context, q Querier, id uuid.UUID) (*Convention, error) {
	return scanConvention(q.QueryRow(ctx, selectConvention+` WHERE c.uuid = $1`, id))
}

// LoadByID reads a convention by primary key, without locking.
func LoadByID(ctx context.Context, q Querier, id int64) (*Convention, error) {
	return scanConvention(q.QueryRow(ctx, selectConvention+` WHERE c.id = $1`, id))
}

// lockByUUID reads and locks the convention row for the rest of the
// transaction, so two concurrent transitions run one after the other.
func lockByUUID(ctx context.Context, tx pgx.Tx, id uuid.UUID) (*Convention, error) {
	return scanConvention(tx.QueryRow(ctx, selectConvention+` WHERE c.uuid = $1 FOR UPDATE OF c`, id))
}

func lockByID(ctx context.Context, tx pgx.Tx, id int64) (*Convention, error) {
	return scanConvention(tx.QueryRow(ctx, selectConvention+` WHERE c.id = $1 FOR UPDATE OF c`, id))
}

// NumeroPourRecherche is numero without "/", "-", spaces and "." (the
// pre-save rule, data-model §10.3).
func NumeroPourRecherche(numero string) string {
	out := make([]rune, 0, len(numero))
	for _, r := range numero {
		switch r {
		case '/', '-', ' ', '.':
			continue
		}
		out = append(out, r)
	}
	return string(out)
}
