// Package habilitation turns a CERBERE user's SIAP habilitation into the
// role APiLos acts with (spec access-api-ops §1.4 and §2.3 step 1): it
// picks the active habilitation, gets or creates its bailleur or
// administration, applies the bailleur fusions, and in web mode writes
// the matching users_role row. The API uses the same decisions without
// writing the role.
package habilitation

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// Mode says whether the role row is written.
type Mode int

const (
	// Web writes the users_role row (deleted and created again).
	Web Mode = iota
	// API decides the same role without writing it (Role.ID is 0).
	API
)

// readOnlyRoles are the SIAP role codes that only read (§1.1).
var readOnlyRoles = map[string]bool{
	"ADM_CENTRALE_LECTEUR": true, "DIR_REG_LECTEUR": true, "SERV_DEP_LECTEUR": true,
	"SERV_INSTR_LECTEUR": true, "SERV_INSTR_DELGEG2_LECTEUR": true, "SERV_INSTR_DELGEG3_LECTEUR": true,
	"ASS_HLM_NAT_LECTEUR": true, "ASS_HLM_REG_LECTEUR": true, "MO_MORAL_NAT_LECTEUR": true,
	"MO_MORAL_REG_LECTEUR": true, "DIR_REG_INSTRUCTEUR_CHORUS": true, "SERV_DEP_INSTRUCTEUR_CHORUS": true,
	"PARTENAIRES": true,
}

// IsReadOnly reports whether a SIAP role code only reads.
func IsReadOnly(codeRole string) bool { return readOnlyRoles[codeRole] }

// User is the CERBERE user a habilitation is loaded for.
type User struct {
	// ID is users_user.id; 0 for the transient API user (API mode only).
	ID int64
	// CerbereLogin is the SIAP user-login.
	CerbereLogin string
	// Email replaces the siret of a MO_PERS_PHYS bailleur.
	Email string
}

// State is what a loaded habilitation gives the session.
type State struct {
	// HabilitationID is the active habilitation.
	HabilitationID int64
	// Habilitations are the user's VALIDEE habilitations (header menu).
	Habilitations []siap.Habilitation
	// Role is the role the user acts with (ID 0 in API mode).
	Role access.Role
	// Bailleur is set for MO profiles, Administration for SER_GEST and SER_DEP.
	Bailleur       *Entity
	Administration *Entity
	// Menu is SIAP's menu, nil when NO_SIAP_MENU.
	Menu []siap.MenuItem
}

// Active returns the active habilitation.
func (s *State) Active() siap.Habilitation {
	for _, h := range s.Habilitations {
		if h.ID == s.HabilitationID {
			return h
		}
	}
	return siap.Habilitation{}
}

// Service loads habilitations.
type Service struct {
	Pool *pgxpool.Pool
	SIAP siap.Client
	// NoMenu skips the menu call (NO_SIAP_MENU).
	NoMenu bool
}

// Load asks SIAP for the user's habilitations and makes the active one
// (requested if among the valid ones, else current, else the first valid)
// the user's role. SIAP calls come first; every database write happens
// in one transaction after them.
func (s *Service) Load(ctx context.Context, u User, requested, current int64, mode Mode) (*State, error) {
	if u.CerbereLogin == "" {
		return nil, errors.New("habilitation SIAP : utilisateur sans identifiant CERBERE")
	}
	if mode == Web && u.ID == 0 {
		return nil, errors.New("habilitation SIAP : utilisateur non enregistré en mode web")
	}
	target := requested
	if target == 0 {
		target = current
	}
	all, err := s.SIAP.Habilitations(ctx, u.CerbereLogin, target)
	if err != nil {
		return nil, err
	}
	valid := siap.Valid(all)
	if len(valid) == 0 {
		return nil, siap.ErrHabilitation(fmt.Sprintf("aucune habilitation VALIDEE pour %s", u.CerbereLogin))
	}
	active := valid[0]
	if i := slices.IndexFunc(valid, func(h siap.Habilitation) bool { return h.ID == target }); i >= 0 {
		active = valid[i]
	}
	p, err := decide(active, u)
	if err != nil {
		return nil, err
	}
	st := &State{HabilitationID: active.ID, Habilitations: valid, Role: p.role}

	var fusions []siap.Fusion
	if p.bailleur != nil {
		fusions, err = s.SIAP.Fusions(ctx, u.CerbereLogin, active.ID, p.bailleur.Siren)
		if err != nil {
			if e, ok := siap.AsError(err); !ok || e.Kind != siap.KindFusion {
				err = &siap.Error{Kind: siap.KindFusion, Message: siap.MsgFusion, Detail: err.Error()}
			}
			return nil, err
		}
	}
	if !s.NoMenu && mode == Web { // the API has no menu to show
		if st.Menu, err = s.SIAP.Menu(ctx, u.CerbereLogin, active.ID); err != nil {
			return nil, err
		}
	}

	err = db.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		if mode == Web {
			// One habilitation load at a time per user: two concurrent
			// requests would otherwise both delete then both insert.
			if _, err := tx.Exec(ctx, `SELECT 1 FROM users_user WHERE id = $1 FOR UPDATE`, u.ID); err != nil {
				return err
			}
		}
		switch {
		case p.bailleur != nil:
			e, err := UpsertBailleur(ctx, tx, *p.bailleur)
			if err != nil {
				return err
			}
			if err := applyFusions(ctx, tx, e, fusions); err != nil {
				return err
			}
			st.Bailleur = &e
		case p.gestionnaire != nil:
			e, err := UpsertAdministration(ctx, tx, *p.gestionnaire)
			if err != nil {
				return err
			}
			st.Administration = &e
		}
		r := &st.Role
		switch r.Typologie {
		case access.TypologieBailleur:
			r.BailleurID = st.Bailleur.ID
		case access.TypologieInstructeur:
			r.AdministrationID = st.Administration.ID
		}
		if mode == Web {
			id, err := writeRole(ctx, tx, u.ID, *r)
			if err != nil {
				return err
			}
			r.ID = id
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// plan is what a habilitation decides before touching the database.
type plan struct {
	role         access.Role
	bailleur     *Bailleur
	gestionnaire *siap.Gestionnaire
}

// decide applies the §1.4 table to the active habilitation.
func decide(h siap.Habilitation, u User) (plan, error) {
	profile := h.Groupe.Profil.Code
	ro := IsReadOnly(h.Groupe.CodeRole)
	p := plan{role: access.Role{Profile: profile, ReadOnly: ro, HabilitationID: h.ID}}
	group := func(rw, readonly string) string {
		if ro {
			return readonly
		}
		return rw
	}
	switch profile {
	case access.ProfileSerDep:
		if h.Gestionnaire == nil {
			return p, &siap.Error{Kind: siap.KindData, Message: siap.MsgNotCompleted, Detail: fmt.Sprintf("habilitation %d sans gestionnaire", h.ID)}
		}
		p.gestionnaire = h.Gestionnaire
		p.role.Typologie, p.role.Group = access.TypologieAdministrateur, group(access.GroupAdministrateur, access.GroupReadonlyAdministrateur)
	case access.ProfileAdmCentrale, access.ProfileAssHLM, access.ProfileDirReg, access.ProfilePartenaires:
		p.role.Typologie, p.role.Group = access.TypologieAdministrateur, group(access.GroupAdministrateur, access.GroupReadonlyAdministrateur)
	case access.ProfileMOPersMorale, access.ProfileMOPersPhys:
		if h.EntiteMorale == nil {
			return p, &siap.Error{Kind: siap.KindData, Message: siap.MsgBailleurIdentification, Detail: fmt.Sprintf("habilitation %d sans entiteMorale", h.ID)}
		}
		em := *h.EntiteMorale
		if profile == access.ProfileMOPersPhys {
			// A natural person is identified by e-mail, as a private bailleur.
			em.Siret, em.CodeFamilleMO = siap.Code(u.Email), codeFamillePrivate
			if em.Email == "" {
				em.Email = u.Email
			}
		}
		b, err := BailleurFromSIAP(em)
		if err != nil {
			return p, err
		}
		p.bailleur = &b
		p.role.Typologie, p.role.Group = access.TypologieBailleur, group(access.GroupBailleur, access.GroupReadonlyBailleur)
	case access.ProfileSerGest:
		if h.Gestionnaire == nil {
			return p, &siap.Error{Kind: siap.KindData, Message: siap.MsgNotCompleted, Detail: fmt.Sprintf("habilitation %d sans gestionnaire", h.ID)}
		}
		p.gestionnaire = h.Gestionnaire
		p.role.Typologie, p.role.Group = access.TypologieInstructeur, group(access.GroupInstructeur, access.GroupReadonlyInstructeur)
	default:
		return p, siap.ErrHabilitation(fmt.Sprintf("habilitation %d : profil SIAP %q inconnu d'APiLos", h.ID, profile))
	}
	if pt := h.PorteeTerritComp; pt != nil {
		switch pt.CodePortee {
		case "REG":
			if pt.RegComp != nil {
				p.role.PerimetreRegion = pt.RegComp.Code.INSEE()
			}
		case "DEP":
			if pt.DepComp != nil {
				p.role.PerimetreDepartement = pt.DepComp.Code.INSEE()
			}
		}
	}
	return p, nil
}

// writeRole deletes the user's role row matching r exactly and inserts it
// again, returning the new id (as the reference, so the id changes at
// every load; other rows of the user are left alone and never count).
func writeRole(ctx context.Context, tx pgx.Tx, userID int64, r access.Role) (int64, error) {
	var groupID int64
	if err := tx.QueryRow(ctx, `SELECT id FROM auth_group WHERE name = $1`, r.Group).Scan(&groupID); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, fmt.Errorf("groupe de permissions « %s » absent de la base : lancez « apilos load-permissions »", r.Group)
		}
		return 0, err
	}
	args := []any{userID, r.Typologie, nullID(r.BailleurID), nullID(r.AdministrationID), groupID, nullStr(r.PerimetreRegion), nullStr(r.PerimetreDepartement)}
	if _, err := tx.Exec(ctx, `DELETE FROM users_role WHERE user_id = $1 AND typologie = $2
		AND bailleur_id IS NOT DISTINCT FROM $3 AND administration_id IS NOT DISTINCT FROM $4 AND group_id = $5
		AND perimetre_region IS NOT DISTINCT FROM $6 AND perimetre_departement IS NOT DISTINCT FROM $7`, args...); err != nil {
		return 0, fmt.Errorf("suppression de l'ancien rôle : %w", err)
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO users_role (user_id, typologie, bailleur_id, administration_id, group_id, perimetre_region, perimetre_departement)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, args...).Scan(&id); err != nil {
		return 0, fmt.Errorf("création du rôle : %w", err)
	}
	return id, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
