package document

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// world is a test database with an administration and bailleurs of each
// family.
type world struct {
	t               testing.TB
	pool            *pgxpool.Pool
	adm             int64
	hlm, sem, assoc int64
}

var seq atomic.Int64

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, pool: dbtest.Pool(t)}
	w.adm = w.id(`INSERT INTO instructeurs_administration (uuid, nom, code, ville_signature, adresse, code_postal, ville,
			nb_convention_exemplaires, signataire_bloc_signature, cree_le, mis_a_jour_le)
		VALUES (gen_random_uuid(), 'Direction départementale des territoires et de la mer des Bouches-du-Rhône', 'DD013', 'Marseille',
			'16 rue Antoine Zattara', '13003', 'Marseille', 4, 'Le directeur départemental, Jean Préfet', now(), now()) RETURNING id`)
	bailleur := func(nom, siret, nature, sous string) int64 {
		return w.id(`INSERT INTO bailleurs_bailleur (uuid, nom, siret, siren, capital_social, adresse, code_postal, ville,
				signataire_nom, signataire_fonction, signataire_date_deliberation, signataire_bloc_signature,
				nature_bailleur, sous_nature_bailleur, cree_le, mis_a_jour_le)
			VALUES (gen_random_uuid(), $1, $2::text, left($2::text, 9), 1500000.5, '25 avenue de la Canebière', '13001', 'Marseille',
				'Claire Roubaud', 'Directrice générale', '2021-06-24', 'La directrice générale, Claire Roubaud',
				$3, $4, now(), now()) RETURNING id`, nom, siret, nature, sous)
	}
	w.hlm = bailleur("Habitat Marseille Provence OPH", "27130001100015", "HLM", "OFFICE_PUBLIC_HLM")
	w.sem = bailleur("SEM Aix Logement", "41234567800012", "SEM", "SEM_EPL")
	w.assoc = bailleur("Association Toit Solidaire", "40000000000019", "Autres bailleurs sociaux non HLM", "ASSOCIATIONS")
	return w
}

func (w *world) id(sql string, args ...any) int64 {
	w.t.Helper()
	return dbtest.ID(w.t, w.pool, sql, args...)
}

func (w *world) exec(sql string, args ...any) {
	w.t.Helper()
	dbtest.Exec(w.t, w.pool, sql, args...)
}

// spec describes a convention to create, every field filled.
type spec struct {
	nature      string   // default LOGEMENTSORDINAIRES
	bailleur    int64    // default hlm
	type1and2   string   // Type1 / Type2 for non HLM/SEM
	financement []string // default PLUS, PLAI
	logements   int      // per lot, default 3
	statut      string   // default "2. Instruction requise"
	departement string   // default 13
	secondeVie  bool
	parent      int64    // an avenant of this convention
	types       []string // its avenant types
	replaces    int64    // seconde vie: the convention replaced
}

// made is a created convention.
type made struct {
	ID          int64
	UUID        uuid.UUID
	Numero      string
	Programme   int64
	Nom         string
	Designation []string
}

// make inserts a convention with every field of its kind filled: the
// programme with its deeds and EDD, lots with logements, annexes,
// stationnements, locaux collectifs, prêts (CDC and others), cadastre and
// EDD simplifié rows.
func (w *world) make(s spec) made {
	w.t.Helper()
	n := seq.Add(1)
	if s.nature == "" {
		s.nature = "LOGEMENTSORDINAIRES"
	}
	if s.bailleur == 0 {
		s.bailleur = w.hlm
	}
	if s.financement == nil {
		s.financement = []string{"PLUS", "PLAI"}
	}
	if s.logements == 0 {
		s.logements = 3
	}
	if s.statut == "" {
		s.statut = "2. Instruction requise"
	}
	if s.departement == "" {
		s.departement = "13"
	}
	foyer := programme.IsFoyerOrResidence(s.nature)
	m := made{Nom: fmt.Sprintf("Les Jardins de Séon %d", n), Numero: fmt.Sprintf("13/2/2025/80-416/%04d", n)}
	tf := func(text string) string { return fmt.Sprintf(`{"files": {}, "text": %q}`, text) }
	var parentProg, parent any
	if s.parent != 0 {
		parent = s.parent
		parentProg = w.id(`SELECT programme_id FROM conventions_convention WHERE id = $1`, s.parent)
		m.Numero = fmt.Sprintf("%d", n)
	}
	m.Programme = w.id(`INSERT INTO programmes_programme (parent_id, uuid, nom, numero_operation, numero_operation_pour_recherche, seconde_vie,
			bailleur_id, administration_id, adresse, code_postal, ville, code_insee_commune, code_insee_departement, code_insee_region,
			zone_123, zone_abc, type_operation, nature_logement, anru, anah, nb_locaux_commerciaux, nb_bureaux, autres_locaux_hors_convention,
			vendeur, acquereur, date_acte_notarie, reference_notaire, reference_publication_acte, effet_relatif,
			edd_volumetrique, mention_publication_edd_volumetrique, edd_classique, mention_publication_edd_classique, edd_stationnements,
			permis_construire, date_achevement_previsible, date_achat, date_achevement, date_autorisation_hors_habitat_inclusif,
			date_convention_location, date_residence_argement_gestionnaire_intermediation,
			departement_residence_argement_gestionnaire_intermediation, ville_signature_residence_agrement_gestionnaire_intermediation,
			cree_le, mis_a_jour_le)
		VALUES ($16, gen_random_uuid(), $1, $2::text, replace($2::text, '/', ''), $3, $4, $5, '12 boulevard de la Méditerranée', left($6::text || '015', 5), 'Marseille',
			$6::text || '215', $6::text, '93', '2', 'B1', 'NEUF', $7, true, false, 2, 1, 'Une crèche municipale',
			$8, $9, '2024-03-12', $10, $11, $12, $13, 'Publié le 14 mars 2024, volume 2024 P n° 1234', $14,
			'Publié le 15 mars 2024, volume 2024 P n° 1235', $15,
			'PC 013 055 23 00042', '2026-09-30', '2024-03-12', '2026-10-15', '2024-01-10', '2024-02-01', '2024-02-15',
			'13', 'Marseille', now(), now()) RETURNING id`,
		m.Nom, fmt.Sprintf("2025/%s/%05d", s.departement, n), s.secondeVie, s.bailleur, w.adm, s.departement, s.nature,
		tf("SCI Les Oliviers, 3 rue Paradis\n13006 Marseille"), tf("Habitat Marseille Provence OPH"),
		tf("Maître Durand, notaire à Aubagne"), tf("Service de publicité foncière Marseille 1, 2024 P 1234"),
		tf("Acte du 12 mars 2024"), tf("EDD volumétrique reçu par Maître Durand"), tf("EDD classique du 14 mars 2024"),
		tf("Parkings en sous-sol, lots 101 à 120"), parentProg)
	var u uuid.UUID
	if err := w.pool.QueryRow(context.Background(), `INSERT INTO conventions_convention (parent_id, uuid, programme_id, numero, statut,
			date_fin_conventionnement, fond_propre, commentaires, type1and2, signataire_nom, signataire_fonction,
			signataire_date_deliberation, signataire_bloc_signature, gestionnaire, gestionnaire_signataire_nom,
			gestionnaire_signataire_fonction, gestionnaire_signataire_date_deliberation, gestionnaire_signataire_bloc_signature,
			gestionnaire_bloc_info_complementaire, historique_financement_public, valide_le, televersement_convention_signee_le, desc_avenant,
			attribution_agees_autonomie, attribution_agees_autre, attribution_agees_autre_detail,
			attribution_inclusif_conditions_specifiques, attribution_inclusif_conditions_admission,
			attribution_inclusif_modalites_attribution, attribution_inclusif_partenariats, attribution_inclusif_activites,
			attribution_reservation_prefectorale, attribution_modalites_reservations, attribution_modalites_choix_personnes,
			attribution_prestations_integrees, attribution_prestations_facultatives,
			foyer_residence_variante_2_travaux, foyer_residence_variante_2_nb_annees, foyer_residence_variante_2_nb_tranches,
			attribution_residence_sociale_ordinaire, attribution_pension_de_famille, attribution_residence_accueil,
			adresse, identification_bailleur, identification_bailleur_detail, cree_le, mis_a_jour_le)
		VALUES ($6, gen_random_uuid(), $1, $2, $3, '2065-06-30', 250000.5, $4, $5, 'Paul Martin', 'Directeur du patrimoine',
			'2024-05-02', 'Le directeur du patrimoine, Paul Martin', 'Gestion Sud Foyers', 'Anne Roux', 'Présidente', '2023-11-20',
			'La présidente, Anne Roux', 'Agrément préfectoral du 3 janvier 2023', 'Subvention PALULOS de 1998', '2025-01-15', '2025-02-03',
			'Changement de gestionnaire', true, true, 'Accueil de jour',
			'Logements adaptés', 'Sur dossier', 'Commission annuelle', 'CCAS de Marseille', 'Ateliers collectifs',
			25, 'Contingent préfectoral géré par la DDETS', 'Commission d''admission', 'Blanchisserie, restauration',
			'Animation, transport', 'Réfection des toitures', 10, 2, true, true, false,
			'12 boulevard de la Méditerranée', true, 'Société anonyme d''HLM agréée', now(), now()) RETURNING id, uuid`,
		m.Programme, m.Numero, s.statut, tf("Dossier complet"), nullable(s.type1and2), parent).Scan(&m.ID, &u); err != nil {
		w.t.Fatal(err)
	}
	for _, t := range s.types {
		w.exec(`INSERT INTO conventions_avenanttype (nom) VALUES ($1) ON CONFLICT (nom) DO NOTHING`, t)
		w.exec(`INSERT INTO conventions_convention_avenant_types (convention_id, avenanttype_id)
			SELECT $1, id FROM conventions_avenanttype WHERE nom = $2`, m.ID, t)
	}
	if len(s.types) > 0 {
		w.exec(`UPDATE conventions_convention SET date_denonciation = '2026-03-31', motif_denonciation = 'Vente des logements à un autre bailleur',
			date_resiliation = '2026-04-30', motif_resiliation = 'Démolition du bâtiment B', champ_libre_avenant = $2
			WHERE id = $1`, m.ID, "- Mise à jour du règlement intérieur\n- Nouvelle adresse du gestionnaire")
	}
	if s.replaces != 0 {
		w.exec(`INSERT INTO conventions_convention_parents_2nd_vie (from_convention_id, to_convention_id) VALUES ($1, $2)`, m.ID, s.replaces)
	}
	m.UUID = u
	for li, f := range s.financement {
		lot := w.id(`INSERT INTO programmes_lot (uuid, convention_id, financement, nb_logements, type_habitat, edd_volumetrique, edd_classique,
				annexe_caves, annexe_soussols, annexe_remises, annexe_ateliers, annexe_sechoirs, annexe_celliers, annexe_resserres,
				annexe_combles, annexe_balcons, annexe_loggias, annexe_terrasses, lgts_mixite_sociale_negocies, loyer_derogatoire,
				surface_habitable_totale, surface_locaux_collectifs_residentiels, foyer_residence_nb_garage_parking,
				foyer_residence_dependance, foyer_residence_locaux_hors_convention, loyer_associations_foncieres, cree_le, mis_a_jour_le)
			VALUES (gen_random_uuid(), $1, $2, $3, 'COLLECTIF', '', '', true, false, false, false, false, true, false, false, true, false, true,
				2, 7.25, 1800.5, 120.75, 12, '2 locaux vélos de 15 m²', 'Loge du gardien', 6.10, now(), now()) RETURNING id`, m.ID, f, s.logements)
		for i := 1; i <= s.logements; i++ {
			des := fmt.Sprintf("Bât. %c – logement %d%02d", 'A'+li, li+1, i)
			m.Designation = append(m.Designation, des)
			var lg int64
			if foyer {
				lg = w.id(`INSERT INTO programmes_logement (uuid, designation, lot_id, typologie, surface_habitable, loyer, import_order, cree_le, mis_a_jour_le)
					VALUES (gen_random_uuid(), $1, $2, 'T1bis', 24.5, 412.35, $3, now(), now()) RETURNING id`, des, lot, i-1)
			} else {
				lg = w.id(`INSERT INTO programmes_logement (uuid, designation, lot_id, typologie, surface_habitable, surface_annexes,
						surface_annexes_retenue, surface_utile, loyer_par_metre_carre, coeficient, loyer, import_order, cree_le, mis_a_jour_le)
					VALUES (gen_random_uuid(), $1, $2, $4, 1234.5, 10, 5, 1237, 6.5, 0.9876, 7940.55, $3, now(), now()) RETURNING id`,
					des, lot, i-1, []string{"T2", "T3", "T4"}[i%3])
				w.exec(`INSERT INTO programmes_annexe (uuid, logement_id, typologie, surface_hors_surface_retenue, loyer_par_metre_carre, loyer, cree_le, mis_a_jour_le)
					VALUES (gen_random_uuid(), $1, 'TERRASSE', 10.5, 1.2, 12.6, now(), now())`, lg)
			}
			_ = lg
		}
		w.exec(`INSERT INTO conventions_pret (uuid, lot_id, preteur, autre, montant, numero, date_octroi, duree, cree_le, mis_a_jour_le)
			VALUES (gen_random_uuid(), $1, 'CDCF', '', 1234567.89, 'CDC-' || $2, '2024-01-15', 40, now(), now())`, lot, f)
		w.exec(`INSERT INTO conventions_pret (uuid, lot_id, preteur, autre, montant, numero, date_octroi, duree, cree_le, mis_a_jour_le)
			VALUES (gen_random_uuid(), $1, 'AUTRE', 'Métropole Aix-Marseille-Provence', 98765.43, '', '2024-02-20', NULL, now(), now())`, lot)
		w.exec(`INSERT INTO programmes_typestationnement (uuid, lot_id, typologie, nb_stationnements, loyer, cree_le, mis_a_jour_le)
			VALUES (gen_random_uuid(), $1, 'GARAGE_ENTERRE', 4, 45.5, now(), now())`, lot)
		w.exec(`INSERT INTO programmes_locauxcollectifs (uuid, lot_id, type_local, surface_habitable, nombre, cree_le, mis_a_jour_le)
			VALUES (gen_random_uuid(), $1, 'Salle polyvalente', 60.25, 2, now(), now())`, lot)
	}
	w.exec(`INSERT INTO programmes_referencecadastrale (uuid, programme_id, section, numero, lieudit, surface, autre, cree_le, mis_a_jour_le)
		VALUES (gen_random_uuid(), $1, 'AB', '123', 'Les Prés', '12 a 50 ca', 'Division en cours', now(), now())`, m.Programme)
	for i, f := range s.financement {
		w.exec(`INSERT INTO programmes_logementedd (uuid, programme_id, designation, financement, numero_lot, cree_le, mis_a_jour_le)
			VALUES (gen_random_uuid(), $1, $2, $3, $4, now(), now())`, m.Programme, fmt.Sprintf("EDD-%c", 'A'+i), f, fmt.Sprintf("%d", 10+i))
	}
	return m
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
