-- What the reference schema lacks.
--
-- Runs on a fresh database (after 00001) and on a Django-built database that
-- was adopted with rows in it, so every statement is idempotent or checks
-- what exists first:
--   1. extensions pg_trgm and unaccent;
--   2. database defaults for every Python default of the Django models
--      (Django never writes DB defaults);
--   3. mis_a_jour_le refreshed by a trigger on UPDATE (Django's auto_now);
--   4. a UNIQUE index on the uuid of every domain table (the reference only
--      has one on bailleur and convention, yet looks rows up by uuid);
--   5. explicit ON DELETE CASCADE / SET NULL on every foreign key (Django
--      applies them in Python), still DEFERRABLE INITIALLY DEFERRED;
--   6. trigram GIN indexes on the search columns;
--   7. the "sessions" table of scs pgxstore (web sessions).

-- +goose Up

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

----------------------------------------------------------------------------
-- 2. Defaults (spec/data-model.md "Default" column). Not set on purpose:
--    programmes_indiceevolutionloyer.nature_logement (rent rows must hold
--    NULL, and is_loyer defaults to true), conventions_piecejointe.cree_le
--    (must be supplied), and the required columns without a Python default.
----------------------------------------------------------------------------

-- bailleurs_bailleur
ALTER TABLE bailleurs_bailleur
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN nature_bailleur SET DEFAULT 'Autres bailleurs sociaux non HLM',
    ALTER COLUMN sous_nature_bailleur SET DEFAULT 'NONRENSEIGNE',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- instructeurs_administration
ALTER TABLE instructeurs_administration
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN nb_convention_exemplaires SET DEFAULT 3,
    ALTER COLUMN prefix_convention SET DEFAULT '{département}/{zone}/{mois}/{année}/80.416/',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- programmes_programme
ALTER TABLE programmes_programme
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN numero_operation SET DEFAULT '',
    ALTER COLUMN numero_operation_pour_recherche SET DEFAULT '',
    ALTER COLUMN seconde_vie SET DEFAULT false,
    ALTER COLUMN adresse SET DEFAULT '',
    ALTER COLUMN code_postal SET DEFAULT '',
    ALTER COLUMN ville SET DEFAULT '',
    ALTER COLUMN code_insee_commune SET DEFAULT '',
    ALTER COLUMN code_insee_departement SET DEFAULT '',
    ALTER COLUMN code_insee_region SET DEFAULT '',
    ALTER COLUMN type_operation SET DEFAULT 'NEUF',
    ALTER COLUMN nature_logement SET DEFAULT 'LOGEMENTSORDINAIRES',
    ALTER COLUMN anru SET DEFAULT false,
    ALTER COLUMN anah SET DEFAULT false,
    ALTER COLUMN autres_locaux_hors_convention SET DEFAULT '',
    ALTER COLUMN vendeur SET DEFAULT '',
    ALTER COLUMN acquereur SET DEFAULT '',
    ALTER COLUMN reference_notaire SET DEFAULT '',
    ALTER COLUMN reference_publication_acte SET DEFAULT '',
    ALTER COLUMN acte_de_propriete SET DEFAULT '',
    ALTER COLUMN effet_relatif SET DEFAULT '',
    ALTER COLUMN certificat_adressage SET DEFAULT '',
    ALTER COLUMN reference_cadastrale SET DEFAULT '',
    ALTER COLUMN edd_volumetrique SET DEFAULT '',
    ALTER COLUMN mention_publication_edd_volumetrique SET DEFAULT '',
    ALTER COLUMN edd_classique SET DEFAULT '',
    ALTER COLUMN mention_publication_edd_classique SET DEFAULT '',
    ALTER COLUMN edd_stationnements SET DEFAULT '',
    ALTER COLUMN permis_construire SET DEFAULT '',
    ALTER COLUMN departement_residence_argement_gestionnaire_intermediation SET DEFAULT '',
    ALTER COLUMN ville_signature_residence_agrement_gestionnaire_intermediation SET DEFAULT '',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- programmes_logementedd
ALTER TABLE programmes_logementedd
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN financement SET DEFAULT 'PLUS',
    ALTER COLUMN numero_lot SET DEFAULT '',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- programmes_referencecadastrale
ALTER TABLE programmes_referencecadastrale
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN section SET DEFAULT '',
    ALTER COLUMN numero SET DEFAULT '',
    ALTER COLUMN lieudit SET DEFAULT '',
    ALTER COLUMN surface SET DEFAULT '',
    ALTER COLUMN autre SET DEFAULT '',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- programmes_lot
ALTER TABLE programmes_lot
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN financement SET DEFAULT 'PLUS',
    ALTER COLUMN type_habitat SET DEFAULT 'INDIVIDUEL',
    ALTER COLUMN edd_volumetrique SET DEFAULT '',
    ALTER COLUMN edd_classique SET DEFAULT '',
    ALTER COLUMN annexe_caves SET DEFAULT false,
    ALTER COLUMN annexe_soussols SET DEFAULT false,
    ALTER COLUMN annexe_remises SET DEFAULT false,
    ALTER COLUMN annexe_ateliers SET DEFAULT false,
    ALTER COLUMN annexe_sechoirs SET DEFAULT false,
    ALTER COLUMN annexe_celliers SET DEFAULT false,
    ALTER COLUMN annexe_resserres SET DEFAULT false,
    ALTER COLUMN annexe_combles SET DEFAULT false,
    ALTER COLUMN annexe_balcons SET DEFAULT false,
    ALTER COLUMN annexe_loggias SET DEFAULT false,
    ALTER COLUMN annexe_terrasses SET DEFAULT false,
    ALTER COLUMN lgts_mixite_sociale_negocies SET DEFAULT 0,
    ALTER COLUMN surface_locaux_collectifs_residentiels SET DEFAULT 0,
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- programmes_repartitionsurface
ALTER TABLE programmes_repartitionsurface
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN typologie SET DEFAULT 'T1',
    ALTER COLUMN type_habitat SET DEFAULT 'INDIVIDUEL';

-- programmes_logement
ALTER TABLE programmes_logement
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN typologie SET DEFAULT 'T1',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- programmes_annexe
ALTER TABLE programmes_annexe
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN typologie SET DEFAULT 'TERRASSE',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- programmes_locauxcollectifs
ALTER TABLE programmes_locauxcollectifs
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- programmes_typestationnement
ALTER TABLE programmes_typestationnement
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN typologie SET DEFAULT 'PLACE_STATIONNEMENT',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- conventions_pret
ALTER TABLE conventions_pret
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN preteur SET DEFAULT 'AUTRE',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- programmes_indiceevolutionloyer
ALTER TABLE programmes_indiceevolutionloyer
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN is_loyer SET DEFAULT true;

-- conventions_convention
ALTER TABLE conventions_convention
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN statut SET DEFAULT '1. Projet',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now(),
    ALTER COLUMN type2_lgts_concernes_option1 SET DEFAULT true,
    ALTER COLUMN type2_lgts_concernes_option2 SET DEFAULT true,
    ALTER COLUMN type2_lgts_concernes_option3 SET DEFAULT true,
    ALTER COLUMN type2_lgts_concernes_option4 SET DEFAULT true,
    ALTER COLUMN type2_lgts_concernes_option5 SET DEFAULT true,
    ALTER COLUMN type2_lgts_concernes_option6 SET DEFAULT true,
    ALTER COLUMN type2_lgts_concernes_option7 SET DEFAULT true,
    ALTER COLUMN type2_lgts_concernes_option8 SET DEFAULT true,
    ALTER COLUMN attribution_agees_autonomie SET DEFAULT false,
    ALTER COLUMN attribution_agees_ephad SET DEFAULT false,
    ALTER COLUMN attribution_agees_desorientees SET DEFAULT false,
    ALTER COLUMN attribution_agees_petite_unite SET DEFAULT false,
    ALTER COLUMN attribution_agees_autre SET DEFAULT false,
    ALTER COLUMN attribution_handicapes_foyer SET DEFAULT false,
    ALTER COLUMN attribution_handicapes_foyer_de_vie SET DEFAULT false,
    ALTER COLUMN attribution_handicapes_foyer_medicalise SET DEFAULT false,
    ALTER COLUMN attribution_handicapes_autre SET DEFAULT false,
    ALTER COLUMN foyer_residence_variante_1 SET DEFAULT true,
    ALTER COLUMN foyer_residence_variante_2 SET DEFAULT true,
    ALTER COLUMN foyer_residence_variante_3 SET DEFAULT true,
    ALTER COLUMN attribution_residence_sociale_ordinaire SET DEFAULT false,
    ALTER COLUMN attribution_pension_de_famille SET DEFAULT false,
    ALTER COLUMN attribution_residence_accueil SET DEFAULT false,
    ALTER COLUMN identification_bailleur SET DEFAULT false;

-- conventions_conventionhistory
ALTER TABLE conventions_conventionhistory
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN statut_convention SET DEFAULT '1. Projet',
    ALTER COLUMN statut_convention_precedent SET DEFAULT '1. Projet',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- conventions_evenement
ALTER TABLE conventions_evenement
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN type_evenement SET DEFAULT 'DEPOT_BAILLEUR',
    ALTER COLUMN survenu_le SET DEFAULT CURRENT_DATE,
    ALTER COLUMN pieces_jointes SET DEFAULT '';

-- conventions_piecejointe
ALTER TABLE conventions_piecejointe
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN type SET DEFAULT 'AUTRE';

-- conventions_alertesiaplog
ALTER TABLE conventions_alertesiaplog
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN destinataires SET DEFAULT '[]'::jsonb,
    ALTER COLUMN etiquette SET DEFAULT '',
    ALTER COLUMN user_login SET DEFAULT '',
    ALTER COLUMN habilitation_id SET DEFAULT '',
    ALTER COLUMN erreur SET DEFAULT '',
    ALTER COLUMN cree_le SET DEFAULT now();

-- comments_comment
ALTER TABLE comments_comment
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN statut SET DEFAULT 'OUVERT',
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- upload_uploadedfile
ALTER TABLE upload_uploadedfile
    ALTER COLUMN uuid SET DEFAULT gen_random_uuid(),
    ALTER COLUMN cree_le SET DEFAULT now(),
    ALTER COLUMN mis_a_jour_le SET DEFAULT now();

-- users_user
ALTER TABLE users_user
    ALTER COLUMN is_superuser SET DEFAULT false,
    ALTER COLUMN first_name SET DEFAULT '',
    ALTER COLUMN last_name SET DEFAULT '',
    ALTER COLUMN email SET DEFAULT '',
    ALTER COLUMN is_staff SET DEFAULT false,
    ALTER COLUMN is_active SET DEFAULT true,
    ALTER COLUMN date_joined SET DEFAULT now(),
    ALTER COLUMN preferences_email SET DEFAULT 'PARTIEL',
    ALTER COLUMN secondary_email SET DEFAULT '';

-- users_role
ALTER TABLE users_role
    ALTER COLUMN typologie SET DEFAULT 'BAILLEUR';

-- ecoloweb_ecoloreference
ALTER TABLE ecoloweb_ecoloreference
    ALTER COLUMN est_supprime SET DEFAULT false;

-- waffle_flag
ALTER TABLE waffle_flag
    ALTER COLUMN testing SET DEFAULT false,
    ALTER COLUMN superusers SET DEFAULT true,
    ALTER COLUMN staff SET DEFAULT false,
    ALTER COLUMN authenticated SET DEFAULT false,
    ALTER COLUMN languages SET DEFAULT '',
    ALTER COLUMN rollout SET DEFAULT false,
    ALTER COLUMN note SET DEFAULT '',
    ALTER COLUMN created SET DEFAULT now(),
    ALTER COLUMN modified SET DEFAULT now();

-- waffle_switch
ALTER TABLE waffle_switch
    ALTER COLUMN active SET DEFAULT false,
    ALTER COLUMN note SET DEFAULT '',
    ALTER COLUMN created SET DEFAULT now(),
    ALTER COLUMN modified SET DEFAULT now();

-- waffle_sample
ALTER TABLE waffle_sample
    ALTER COLUMN note SET DEFAULT '',
    ALTER COLUMN created SET DEFAULT now(),
    ALTER COLUMN modified SET DEFAULT now();

----------------------------------------------------------------------------
-- 3. mis_a_jour_le on UPDATE. A statement that changes mis_a_jour_le itself
--    keeps its value (loaddata restores dumped timestamps); any other update
--    stamps the row with now().
----------------------------------------------------------------------------

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION apilos_touch_mis_a_jour_le() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.mis_a_jour_le IS NOT DISTINCT FROM OLD.mis_a_jour_le THEN
        NEW.mis_a_jour_le := now();
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'bailleurs_bailleur', 'instructeurs_administration',
        'programmes_programme', 'programmes_logementedd', 'programmes_referencecadastrale',
        'programmes_lot', 'programmes_logement', 'programmes_annexe',
        'programmes_locauxcollectifs', 'programmes_typestationnement',
        'conventions_convention', 'conventions_pret', 'conventions_conventionhistory',
        'comments_comment', 'upload_uploadedfile'
    ] LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER mis_a_jour_le_trigger BEFORE UPDATE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION apilos_touch_mis_a_jour_le()', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

----------------------------------------------------------------------------
-- 4. Unique uuid on every domain table (bailleurs_bailleur and
--    conventions_convention already have a unique constraint). An adopted
--    database holding duplicated uuids stops here with the table named.
----------------------------------------------------------------------------

-- +goose StatementBegin
DO $$
DECLARE
    t text;
    dup uuid;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'instructeurs_administration',
        'programmes_programme', 'programmes_logementedd', 'programmes_referencecadastrale',
        'programmes_lot', 'programmes_repartitionsurface', 'programmes_logement',
        'programmes_annexe', 'programmes_locauxcollectifs', 'programmes_typestationnement',
        'programmes_indiceevolutionloyer',
        'conventions_pret', 'conventions_conventionhistory', 'conventions_evenement',
        'conventions_piecejointe', 'conventions_alertesiaplog',
        'comments_comment', 'upload_uploadedfile'
    ] LOOP
        EXECUTE format('SELECT uuid FROM %I GROUP BY uuid HAVING count(*) > 1 LIMIT 1', t) INTO dup;
        IF dup IS NOT NULL THEN
            RAISE EXCEPTION 'la table % contient plusieurs lignes avec le uuid %', t, dup
                USING HINT = format('donnez un nouveau uuid aux doublons (UPDATE %I SET uuid = gen_random_uuid() WHERE id = ...) puis relancez la migration', t);
        END IF;
        EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON %I (uuid)', t || '_uuid_uniq', t);
    END LOOP;
END
$$;
-- +goose StatementEnd

----------------------------------------------------------------------------
-- 5. ON DELETE actions (spec §23.2). Whatever FK constraint exists on the
--    column (Django's hashed name, or 00001's) is replaced by
--    <table>_<column>_fk with the action.
----------------------------------------------------------------------------

-- +goose StatementBegin
DO $$
DECLARE
    fk record;
    con record;
BEGIN
    FOR fk IN
        SELECT * FROM (VALUES
            ('auth_permission',                              'content_type_id',         'django_content_type',             'CASCADE'),
            ('auth_group_permissions',                       'group_id',                'auth_group',                      'CASCADE'),
            ('auth_group_permissions',                       'permission_id',           'auth_permission',                 'CASCADE'),
            ('bailleurs_bailleur',                           'parent_id',               'bailleurs_bailleur',              'CASCADE'),
            ('users_user',                                   'creator_id',              'users_user',                      'SET NULL'),
            ('users_user_groups',                            'user_id',                 'users_user',                      'CASCADE'),
            ('users_user_groups',                            'group_id',                'auth_group',                      'CASCADE'),
            ('users_user_user_permissions',                  'user_id',                 'users_user',                      'CASCADE'),
            ('users_user_user_permissions',                  'permission_id',           'auth_permission',                 'CASCADE'),
            ('users_user_filtre_departements',               'user_id',                 'users_user',                      'CASCADE'),
            ('users_user_filtre_departements',               'departement_id',          'apilos_settings_departement',     'CASCADE'),
            ('users_role',                                   'bailleur_id',             'bailleurs_bailleur',              'CASCADE'),
            ('users_role',                                   'administration_id',       'instructeurs_administration',     'CASCADE'),
            ('users_role',                                   'user_id',                 'users_user',                      'CASCADE'),
            ('users_role',                                   'group_id',                'auth_group',                      'CASCADE'),
            ('users_historicaluser',                         'history_user_id',         'users_user',                      'SET NULL'),
            ('users_historicalrole',                         'history_user_id',         'users_user',                      'SET NULL'),
            ('programmes_programme',                         'parent_id',               'programmes_programme',            'CASCADE'),
            ('programmes_programme',                         'bailleur_id',             'bailleurs_bailleur',              'CASCADE'),
            ('programmes_programme',                         'administration_id',       'instructeurs_administration',     'SET NULL'),
            ('programmes_logementedd',                       'programme_id',            'programmes_programme',            'CASCADE'),
            ('programmes_referencecadastrale',               'programme_id',            'programmes_programme',            'CASCADE'),
            ('programmes_indiceevolutionloyer_departements', 'indiceevolutionloyer_id', 'programmes_indiceevolutionloyer', 'CASCADE'),
            ('programmes_indiceevolutionloyer_departements', 'departement_id',          'apilos_settings_departement',     'CASCADE'),
            ('conventions_convention',                       'parent_id',               'conventions_convention',          'CASCADE'),
            ('conventions_convention',                       'programme_id',            'programmes_programme',            'CASCADE'),
            ('conventions_convention',                       'cree_par_id',             'users_user',                      'SET NULL'),
            ('conventions_convention_avenant_types',         'convention_id',           'conventions_convention',          'CASCADE'),
            ('conventions_convention_avenant_types',         'avenanttype_id',          'conventions_avenanttype',         'CASCADE'),
            ('conventions_convention_parents_2nd_vie',       'from_convention_id',      'conventions_convention',          'CASCADE'),
            ('conventions_convention_parents_2nd_vie',       'to_convention_id',        'conventions_convention',          'CASCADE'),
            ('programmes_lot',                               'parent_id',               'programmes_lot',                  'CASCADE'),
            ('programmes_lot',                               'convention_id',           'conventions_convention',          'CASCADE'),
            ('programmes_repartitionsurface',                'lot_id',                  'programmes_lot',                  'CASCADE'),
            ('programmes_logement',                          'lot_id',                  'programmes_lot',                  'CASCADE'),
            ('programmes_annexe',                            'logement_id',             'programmes_logement',             'CASCADE'),
            ('programmes_locauxcollectifs',                  'lot_id',                  'programmes_lot',                  'CASCADE'),
            ('programmes_typestationnement',                 'lot_id',                  'programmes_lot',                  'CASCADE'),
            ('conventions_pret',                             'lot_id',                  'programmes_lot',                  'CASCADE'),
            ('conventions_conventionhistory',                'convention_id',           'conventions_convention',          'CASCADE'),
            ('conventions_conventionhistory',                'user_id',                 'users_user',                      'SET NULL'),
            ('conventions_evenement',                        'convention_id',           'conventions_convention',          'CASCADE'),
            ('conventions_piecejointe',                      'convention_id',           'conventions_convention',          'CASCADE'),
            ('conventions_alertesiaplog',                    'convention_id',           'conventions_convention',          'CASCADE'),
            ('comments_comment',                             'convention_id',           'conventions_convention',          'CASCADE'),
            ('comments_comment',                             'user_id',                 'users_user',                      'CASCADE'),
            ('waffle_flag_groups',                           'flag_id',                 'waffle_flag',                     'CASCADE'),
            ('waffle_flag_groups',                           'group_id',                'auth_group',                      'CASCADE'),
            ('waffle_flag_users',                            'flag_id',                 'waffle_flag',                     'CASCADE'),
            ('waffle_flag_users',                            'user_id',                 'users_user',                      'CASCADE')
        ) AS v(tbl, col, ref, action)
    LOOP
        FOR con IN
            SELECT c.conname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.conrelid = fk.tbl::regclass
              AND cardinality(c.conkey) = 1 AND a.attname = fk.col
        LOOP
            EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', fk.tbl, con.conname);
        END LOOP;
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES %I (id) '
                       'ON DELETE %s DEFERRABLE INITIALLY DEFERRED',
                       fk.tbl, left(fk.tbl || '_' || fk.col, 60) || '_fk', fk.col, fk.ref, fk.action);
    END LOOP;
END
$$;
-- +goose StatementEnd

----------------------------------------------------------------------------
-- 6. Trigram indexes for the similarity searches of spec §19.
----------------------------------------------------------------------------

CREATE INDEX IF NOT EXISTS programme_num_for_search_trgm_idx
    ON programmes_programme USING gin (numero_operation_pour_recherche gin_trgm_ops);
CREATE INDEX IF NOT EXISTS programme_ville_trgm_idx
    ON programmes_programme USING gin (ville gin_trgm_ops);
CREATE INDEX IF NOT EXISTS programme_code_postal_trgm_idx
    ON programmes_programme USING gin (code_postal gin_trgm_ops);
CREATE INDEX IF NOT EXISTS convention_num_for_search_trgm_idx
    ON conventions_convention USING gin (numero_pour_recherche gin_trgm_ops);

----------------------------------------------------------------------------
-- 7. Web sessions (alexedwards/scs pgxstore).
----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS sessions (
    token text PRIMARY KEY,
    data bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expiry_idx ON sessions (expiry);

-- +goose Down

DROP TABLE IF EXISTS sessions;

DROP INDEX IF EXISTS convention_num_for_search_trgm_idx;
DROP INDEX IF EXISTS programme_code_postal_trgm_idx;
DROP INDEX IF EXISTS programme_ville_trgm_idx;
DROP INDEX IF EXISTS programme_num_for_search_trgm_idx;

-- Back to Django's foreign keys: deferred, no ON DELETE action.
-- +goose StatementBegin
DO $$
DECLARE
    con record;
BEGIN
    FOR con IN
        SELECT c.conname, c.conrelid::regclass AS tbl, a.attname AS col, c.confrelid::regclass AS ref
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
          AND cardinality(c.conkey) = 1 AND c.confdeltype <> 'a'
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', con.tbl, con.conname);
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES %s (id) '
                       'DEFERRABLE INITIALLY DEFERRED', con.tbl, con.conname, con.col, con.ref);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'instructeurs_administration',
        'programmes_programme', 'programmes_logementedd', 'programmes_referencecadastrale',
        'programmes_lot', 'programmes_repartitionsurface', 'programmes_logement',
        'programmes_annexe', 'programmes_locauxcollectifs', 'programmes_typestationnement',
        'programmes_indiceevolutionloyer',
        'conventions_pret', 'conventions_conventionhistory', 'conventions_evenement',
        'conventions_piecejointe', 'conventions_alertesiaplog',
        'comments_comment', 'upload_uploadedfile'
    ] LOOP
        EXECUTE format('DROP INDEX IF EXISTS %I', t || '_uuid_uniq');
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'bailleurs_bailleur', 'instructeurs_administration',
        'programmes_programme', 'programmes_logementedd', 'programmes_referencecadastrale',
        'programmes_lot', 'programmes_logement', 'programmes_annexe',
        'programmes_locauxcollectifs', 'programmes_typestationnement',
        'conventions_convention', 'conventions_pret', 'conventions_conventionhistory',
        'comments_comment', 'upload_uploadedfile'
    ] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS mis_a_jour_le_trigger ON %I', t);
    END LOOP;
END
$$;
-- +goose StatementEnd
DROP FUNCTION IF EXISTS apilos_touch_mis_a_jour_le();

-- Back to Django's columns without database defaults.
ALTER TABLE waffle_sample
    ALTER COLUMN note DROP DEFAULT,
    ALTER COLUMN created DROP DEFAULT,
    ALTER COLUMN modified DROP DEFAULT;
ALTER TABLE waffle_switch
    ALTER COLUMN active DROP DEFAULT,
    ALTER COLUMN note DROP DEFAULT,
    ALTER COLUMN created DROP DEFAULT,
    ALTER COLUMN modified DROP DEFAULT;
ALTER TABLE waffle_flag
    ALTER COLUMN testing DROP DEFAULT,
    ALTER COLUMN superusers DROP DEFAULT,
    ALTER COLUMN staff DROP DEFAULT,
    ALTER COLUMN authenticated DROP DEFAULT,
    ALTER COLUMN languages DROP DEFAULT,
    ALTER COLUMN rollout DROP DEFAULT,
    ALTER COLUMN note DROP DEFAULT,
    ALTER COLUMN created DROP DEFAULT,
    ALTER COLUMN modified DROP DEFAULT;

ALTER TABLE bailleurs_bailleur
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN nature_bailleur DROP DEFAULT,
    ALTER COLUMN sous_nature_bailleur DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE instructeurs_administration
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN nb_convention_exemplaires DROP DEFAULT,
    ALTER COLUMN prefix_convention DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE programmes_programme
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN numero_operation DROP DEFAULT,
    ALTER COLUMN numero_operation_pour_recherche DROP DEFAULT,
    ALTER COLUMN seconde_vie DROP DEFAULT,
    ALTER COLUMN adresse DROP DEFAULT,
    ALTER COLUMN code_postal DROP DEFAULT,
    ALTER COLUMN ville DROP DEFAULT,
    ALTER COLUMN code_insee_commune DROP DEFAULT,
    ALTER COLUMN code_insee_departement DROP DEFAULT,
    ALTER COLUMN code_insee_region DROP DEFAULT,
    ALTER COLUMN type_operation DROP DEFAULT,
    ALTER COLUMN nature_logement DROP DEFAULT,
    ALTER COLUMN anru DROP DEFAULT,
    ALTER COLUMN anah DROP DEFAULT,
    ALTER COLUMN autres_locaux_hors_convention DROP DEFAULT,
    ALTER COLUMN vendeur DROP DEFAULT,
    ALTER COLUMN acquereur DROP DEFAULT,
    ALTER COLUMN reference_notaire DROP DEFAULT,
    ALTER COLUMN reference_publication_acte DROP DEFAULT,
    ALTER COLUMN acte_de_propriete DROP DEFAULT,
    ALTER COLUMN effet_relatif DROP DEFAULT,
    ALTER COLUMN certificat_adressage DROP DEFAULT,
    ALTER COLUMN reference_cadastrale DROP DEFAULT,
    ALTER COLUMN edd_volumetrique DROP DEFAULT,
    ALTER COLUMN mention_publication_edd_volumetrique DROP DEFAULT,
    ALTER COLUMN edd_classique DROP DEFAULT,
    ALTER COLUMN mention_publication_edd_classique DROP DEFAULT,
    ALTER COLUMN edd_stationnements DROP DEFAULT,
    ALTER COLUMN permis_construire DROP DEFAULT,
    ALTER COLUMN departement_residence_argement_gestionnaire_intermediation DROP DEFAULT,
    ALTER COLUMN ville_signature_residence_agrement_gestionnaire_intermediation DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE programmes_logementedd
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN financement DROP DEFAULT,
    ALTER COLUMN numero_lot DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE programmes_referencecadastrale
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN section DROP DEFAULT,
    ALTER COLUMN numero DROP DEFAULT,
    ALTER COLUMN lieudit DROP DEFAULT,
    ALTER COLUMN surface DROP DEFAULT,
    ALTER COLUMN autre DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE programmes_lot
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN financement DROP DEFAULT,
    ALTER COLUMN type_habitat DROP DEFAULT,
    ALTER COLUMN edd_volumetrique DROP DEFAULT,
    ALTER COLUMN edd_classique DROP DEFAULT,
    ALTER COLUMN annexe_caves DROP DEFAULT,
    ALTER COLUMN annexe_soussols DROP DEFAULT,
    ALTER COLUMN annexe_remises DROP DEFAULT,
    ALTER COLUMN annexe_ateliers DROP DEFAULT,
    ALTER COLUMN annexe_sechoirs DROP DEFAULT,
    ALTER COLUMN annexe_celliers DROP DEFAULT,
    ALTER COLUMN annexe_resserres DROP DEFAULT,
    ALTER COLUMN annexe_combles DROP DEFAULT,
    ALTER COLUMN annexe_balcons DROP DEFAULT,
    ALTER COLUMN annexe_loggias DROP DEFAULT,
    ALTER COLUMN annexe_terrasses DROP DEFAULT,
    ALTER COLUMN lgts_mixite_sociale_negocies DROP DEFAULT,
    ALTER COLUMN surface_locaux_collectifs_residentiels DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE programmes_repartitionsurface
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN typologie DROP DEFAULT,
    ALTER COLUMN type_habitat DROP DEFAULT;

ALTER TABLE programmes_logement
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN typologie DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE programmes_annexe
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN typologie DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE programmes_locauxcollectifs
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE programmes_typestationnement
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN typologie DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE conventions_pret
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN preteur DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE programmes_indiceevolutionloyer
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN is_loyer DROP DEFAULT;

ALTER TABLE conventions_convention
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN statut DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT,
    ALTER COLUMN type2_lgts_concernes_option1 DROP DEFAULT,
    ALTER COLUMN type2_lgts_concernes_option2 DROP DEFAULT,
    ALTER COLUMN type2_lgts_concernes_option3 DROP DEFAULT,
    ALTER COLUMN type2_lgts_concernes_option4 DROP DEFAULT,
    ALTER COLUMN type2_lgts_concernes_option5 DROP DEFAULT,
    ALTER COLUMN type2_lgts_concernes_option6 DROP DEFAULT,
    ALTER COLUMN type2_lgts_concernes_option7 DROP DEFAULT,
    ALTER COLUMN type2_lgts_concernes_option8 DROP DEFAULT,
    ALTER COLUMN attribution_agees_autonomie DROP DEFAULT,
    ALTER COLUMN attribution_agees_ephad DROP DEFAULT,
    ALTER COLUMN attribution_agees_desorientees DROP DEFAULT,
    ALTER COLUMN attribution_agees_petite_unite DROP DEFAULT,
    ALTER COLUMN attribution_agees_autre DROP DEFAULT,
    ALTER COLUMN attribution_handicapes_foyer DROP DEFAULT,
    ALTER COLUMN attribution_handicapes_foyer_de_vie DROP DEFAULT,
    ALTER COLUMN attribution_handicapes_foyer_medicalise DROP DEFAULT,
    ALTER COLUMN attribution_handicapes_autre DROP DEFAULT,
    ALTER COLUMN foyer_residence_variante_1 DROP DEFAULT,
    ALTER COLUMN foyer_residence_variante_2 DROP DEFAULT,
    ALTER COLUMN foyer_residence_variante_3 DROP DEFAULT,
    ALTER COLUMN attribution_residence_sociale_ordinaire DROP DEFAULT,
    ALTER COLUMN attribution_pension_de_famille DROP DEFAULT,
    ALTER COLUMN attribution_residence_accueil DROP DEFAULT,
    ALTER COLUMN identification_bailleur DROP DEFAULT;

ALTER TABLE conventions_conventionhistory
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN statut_convention DROP DEFAULT,
    ALTER COLUMN statut_convention_precedent DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE conventions_evenement
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN type_evenement DROP DEFAULT,
    ALTER COLUMN survenu_le DROP DEFAULT,
    ALTER COLUMN pieces_jointes DROP DEFAULT;

ALTER TABLE conventions_piecejointe
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN type DROP DEFAULT;

ALTER TABLE conventions_alertesiaplog
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN destinataires DROP DEFAULT,
    ALTER COLUMN etiquette DROP DEFAULT,
    ALTER COLUMN user_login DROP DEFAULT,
    ALTER COLUMN habilitation_id DROP DEFAULT,
    ALTER COLUMN erreur DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT;

ALTER TABLE comments_comment
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN statut DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE upload_uploadedfile
    ALTER COLUMN uuid DROP DEFAULT,
    ALTER COLUMN cree_le DROP DEFAULT,
    ALTER COLUMN mis_a_jour_le DROP DEFAULT;

ALTER TABLE users_user
    ALTER COLUMN is_superuser DROP DEFAULT,
    ALTER COLUMN first_name DROP DEFAULT,
    ALTER COLUMN last_name DROP DEFAULT,
    ALTER COLUMN email DROP DEFAULT,
    ALTER COLUMN is_staff DROP DEFAULT,
    ALTER COLUMN is_active DROP DEFAULT,
    ALTER COLUMN date_joined DROP DEFAULT,
    ALTER COLUMN preferences_email DROP DEFAULT,
    ALTER COLUMN secondary_email DROP DEFAULT;

ALTER TABLE users_role
    ALTER COLUMN typologie DROP DEFAULT;

ALTER TABLE ecoloweb_ecoloreference
    ALTER COLUMN est_supprime DROP DEFAULT;

-- pg_trgm stays: the reference schema (00001) has it.
DROP EXTENSION IF EXISTS unaccent;
