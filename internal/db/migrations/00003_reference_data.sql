-- Reference data: the 101 départements and the avenant types.
--
-- Same rows and primary keys as the reference fixtures departements.json
-- and avenant_types.json, which the Django deployment loads after every
-- migrate. A row whose natural key (code_insee, nom) already exists is left
-- alone, so this runs unchanged on an adopted database and twice in a row.
-- A missing row keeps its fixture key when that key is free, and otherwise
-- gets a new one from the sequence; the sequences end past every key.

-- +goose Up

----------------------------------------------------------------------------
-- Departement (apilos_settings.departement)
----------------------------------------------------------------------------

CREATE TEMPORARY TABLE ref_departement (
    id integer, nom varchar(255), code_insee varchar(3), code_insee_region varchar(2), code_postal varchar(3)
);
INSERT INTO ref_departement (id, nom, code_insee, code_insee_region, code_postal) VALUES
    (1, 'Ain', '01', '84', '01'),
    (2, 'Aisne', '02', '32', '02'),
    (3, 'Allier', '03', '84', '03'),
    (4, 'Alpes-de-Haute-Provence', '04', '93', '04'),
    (5, 'Hautes-Alpes', '05', '93', '05'),
    (6, 'Alpes-Maritimes', '06', '93', '06'),
    (7, 'Ardèche', '07', '84', '07'),
    (8, 'Ardennes', '08', '44', '08'),
    (9, 'Ariège', '09', '76', '09'),
    (10, 'Aube', '10', '44', '10'),
    (11, 'Aude', '11', '76', '11'),
    (12, 'Aveyron', '12', '76', '12'),
    (13, 'Bouches-du-Rhône', '13', '93', '13'),
    (14, 'Calvados', '14', '28', '14'),
    (15, 'Cantal', '15', '84', '15'),
    (16, 'Charente', '16', '75', '16'),
    (17, 'Charente-Maritime', '17', '75', '17'),
    (18, 'Cher', '18', '24', '18'),
    (19, 'Corrèze', '19', '75', '19'),
    (20, 'Corse-du-Sud', '2A', '94', '20'),
    (21, 'Haute-Corse', '2B', '94', '20'),
    (22, 'Côte-d-Or', '21', '27', '21'),
    (23, 'Côtes-d-Armor', '22', '53', '22'),
    (24, 'Creuse', '23', '75', '23'),
    (25, 'Dordogne', '24', '75', '24'),
    (26, 'Doubs', '25', '27', '25'),
    (27, 'Drôme', '26', '84', '26'),
    (28, 'Eure', '27', '28', '27'),
    (29, 'Eure-et-Loir', '28', '24', '28'),
    (30, 'Finistère', '29', '53', '29'),
    (31, 'Gard', '30', '76', '30'),
    (32, 'Haute-Garonne', '31', '76', '31'),
    (33, 'Gers', '32', '76', '32'),
    (34, 'Gironde', '33', '75', '33'),
    (35, 'Hérault', '34', '76', '34'),
    (36, 'Ille-et-Vilaine', '35', '53', '35'),
    (37, 'Indre', '36', '24', '36'),
    (38, 'Indre-et-Loire', '37', '24', '37'),
    (39, 'Isère', '38', '84', '38'),
    (40, 'Jura', '39', '27', '39'),
    (41, 'Landes', '40', '75', '40'),
    (42, 'Loir-et-Cher', '41', '24', '41'),
    (43, 'Loire', '42', '84', '42'),
    (44, 'Haute-Loire', '43', '84', '43'),
    (45, 'Loire-Atlantique', '44', '52', '44'),
    (46, 'Loiret', '45', '24', '45'),
    (47, 'Lot', '46', '76', '46'),
    (48, 'Lot-et-Garonne', '47', '75', '47'),
    (49, 'Lozère', '48', '76', '48'),
    (50, 'Maine-et-Loire', '49', '52', '49'),
    (51, 'Manche', '50', '28', '50'),
    (52, 'Marne', '51', '44', '51'),
    (53, 'Haute-Marne', '52', '44', '52'),
    (54, 'Mayenne', '53', '52', '53'),
    (55, 'Meurthe-et-Moselle', '54', '44', '54'),
    (56, 'Meuse', '55', '44', '55'),
    (57, 'Morbihan', '56', '53', '56'),
    (58, 'Moselle', '57', '44', '57'),
    (59, 'Nièvre', '58', '27', '58'),
    (60, 'Nord', '59', '32', '59'),
    (61, 'Oise', '60', '32', '60'),
    (62, 'Orne', '61', '28', '61'),
    (63, 'Pas-de-Calais', '62', '32', '62'),
    (64, 'Puy-de-Dôme', '63', '84', '63'),
    (65, 'Pyrénées-Atlantiques', '64', '75', '64'),
    (66, 'Hautes-Pyrénées', '65', '76', '65'),
    (67, 'Pyrénées-Orientales', '66', '76', '66'),
    (68, 'Bas-Rhin', '67', '44', '67'),
    (69, 'Haut-Rhin', '68', '44', '68'),
    (70, 'Rhône', '69', '84', '69'),
    (71, 'Haute-Saône', '70', '27', '70'),
    (72, 'Saône-et-Loire', '71', '27', '71'),
    (73, 'Sarthe', '72', '52', '72'),
    (74, 'Savoie', '73', '84', '73'),
    (75, 'Haute-Savoie', '74', '84', '74'),
    (76, 'Paris', '75', '11', '75'),
    (77, 'Seine-Maritime', '76', '28', '76'),
    (78, 'Seine-et-Marne', '77', '11', '77'),
    (79, 'Yvelines', '78', '11', '78'),
    (80, 'Deux-Sèvres', '79', '75', '79'),
    (81, 'Somme', '80', '32', '80'),
    (82, 'Tarn', '81', '76', '81'),
    (83, 'Tarn-et-Garonne', '82', '76', '82'),
    (84, 'Var', '83', '93', '83'),
    (85, 'Vaucluse', '84', '93', '84'),
    (86, 'Vendée', '85', '52', '85'),
    (87, 'Vienne', '86', '75', '86'),
    (88, 'Haute-Vienne', '87', '75', '87'),
    (89, 'Vosges', '88', '44', '88'),
    (90, 'Yonne', '89', '27', '89'),
    (91, 'Territoire de Belfort', '90', '27', '90'),
    (92, 'Essonne', '91', '11', '91'),
    (93, 'Hauts-de-Seine', '92', '11', '92'),
    (94, 'Seine-St-Denis', '93', '11', '93'),
    (95, 'Val-de-Marne', '94', '11', '94'),
    (96, 'Val-D-Oise', '95', '11', '95'),
    (97, 'Guadeloupe', '971', '1', '971'),
    (98, 'Martinique', '972', '2', '972'),
    (99, 'Guyane', '973', '3', '973'),
    (100, 'La Réunion', '974', '4', '974'),
    (101, 'Mayotte', '976', '6', '976');

-- Missing rows whose fixture key is free, with that key.
INSERT INTO apilos_settings_departement (id, nom, code_insee, code_insee_region, code_postal)
SELECT r.id, r.nom, r.code_insee, r.code_insee_region, r.code_postal
FROM ref_departement r
WHERE NOT EXISTS (SELECT 1 FROM apilos_settings_departement d WHERE d.code_insee = r.code_insee OR d.id = r.id)
ON CONFLICT DO NOTHING;
SELECT setval(pg_get_serial_sequence('apilos_settings_departement', 'id'),
              (SELECT COALESCE(max(id), 1) FROM apilos_settings_departement));
-- Missing rows whose key was taken by another row, with a new key.
INSERT INTO apilos_settings_departement (nom, code_insee, code_insee_region, code_postal)
SELECT r.nom, r.code_insee, r.code_insee_region, r.code_postal
FROM ref_departement r
WHERE NOT EXISTS (SELECT 1 FROM apilos_settings_departement d WHERE d.code_insee = r.code_insee)
ORDER BY r.id
ON CONFLICT DO NOTHING;
DROP TABLE ref_departement;

----------------------------------------------------------------------------
-- AvenantType (conventions.avenanttype): the 8 blocks of the fixture, then
-- the 6 blocks the récapitulatif offers but the fixture lacks (production
-- created them in the back office, spec §11).
----------------------------------------------------------------------------

CREATE TEMPORARY TABLE ref_avenanttype (id integer, nom varchar(255), "desc" text);
INSERT INTO ref_avenanttype (id, nom, "desc") VALUES
    (1, 'bailleur', 'Suite à une vente, un changement de gestionnaire, ou un changement de dénomination du propriétaire'),
    (2, 'logements', 'En cas de modification du programme, de travaux, de réhabilitation totale, ou d’une évolution des loyers'),
    (3, 'duree', 'En cas de nouveaux travaux financés'),
    (4, 'commentaires', 'Ajouter des commentaires à l''attention de l''instructeur'),
    (5, 'programme', 'Suite à la modification du nom ou de l''adresse de l''opération'),
    (6, 'champ_libre', 'Pour ajouter, dans l''avenant, des renseignements supplémentaires de type désignation des immeubles, origines des propriétés ou autre.'),
    (7, 'denonciation', 'Dénoncer une convention et ses avenants.'),
    (8, 'resiliation', 'Résilier une convention et ses avenants.'),
    (NULL, 'edd', 'En cas de modification de l''état descriptif de division (EDD) de l''opération'),
    (NULL, 'residence_attribution', 'En cas de modification des modalités d''attribution d''une résidence'),
    (NULL, 'foyer_attribution', 'En cas de modification des modalités d''attribution d''un foyer'),
    (NULL, 'variantes', 'En cas de modification des variantes d''une convention de foyer ou de résidence'),
    (NULL, 'stationnement', 'En cas de modification des stationnements de l''opération'),
    (NULL, 'cadastre', 'En cas de modification des références cadastrales ou des actes de propriété de l''opération');

INSERT INTO conventions_avenanttype (id, nom, "desc")
SELECT r.id, r.nom, r."desc"
FROM ref_avenanttype r
WHERE r.id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM conventions_avenanttype a WHERE a.nom = r.nom OR a.id = r.id)
ON CONFLICT DO NOTHING;
SELECT setval(pg_get_serial_sequence('conventions_avenanttype', 'id'),
              (SELECT COALESCE(max(id), 1) FROM conventions_avenanttype));
INSERT INTO conventions_avenanttype (nom, "desc")
SELECT r.nom, r."desc"
FROM ref_avenanttype r
WHERE NOT EXISTS (SELECT 1 FROM conventions_avenanttype a WHERE a.nom = r.nom)
ORDER BY r.id NULLS LAST, r.nom
ON CONFLICT DO NOTHING;
DROP TABLE ref_avenanttype;

-- +goose Down

DELETE FROM conventions_avenanttype WHERE nom IN (
    'bailleur', 'logements', 'duree', 'commentaires', 'programme', 'champ_libre', 'denonciation', 'resiliation',
    'edd', 'residence_attribution', 'foyer_attribution', 'variantes', 'stationnement', 'cadastre');

DELETE FROM apilos_settings_departement WHERE code_insee IN (
    '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12',
    '13', '14', '15', '16', '17', '18', '19', '2A', '2B', '21', '22', '23',
    '24', '25', '26', '27', '28', '29', '30', '31', '32', '33', '34', '35',
    '36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46', '47',
    '48', '49', '50', '51', '52', '53', '54', '55', '56', '57', '58', '59',
    '60', '61', '62', '63', '64', '65', '66', '67', '68', '69', '70', '71',
    '72', '73', '74', '75', '76', '77', '78', '79', '80', '81', '82', '83',
    '84', '85', '86', '87', '88', '89', '90', '91', '92', '93', '94', '95',
    '971', '972', '973', '974', '976');
