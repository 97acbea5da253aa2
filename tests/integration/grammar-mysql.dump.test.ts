import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSchema, type ConversionResult } from '../../src/migration/convert/index.js';

/**
 * A mysqldump of a small film-rental shop, written for this test in the shape of the public MySQL
 * sample databases (a dump header of versioned comments, DROP TABLE IF EXISTS / LOCK TABLES around
 * each table, tables that reference each other in a cycle, a BINARY column, FULLTEXT and SPATIAL
 * keys, GEOMETRY NOT NULL with a versioned SRID, a partitioned table, the stand-in view and the final
 * view with ALGORITHM / DEFINER, DELIMITER-ed triggers, a function, a procedure and an event).
 * It must convert with every table, column and foreign key present in PostgreSQL.
 */
const DUMP = `-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: filmshop
-- ------------------------------------------------------
-- Server version	8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

CREATE DATABASE /*!32312 IF NOT EXISTS*/ \`filmshop\` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */;

USE \`filmshop\`;

--
-- Table structure for table \`region\`
--

DROP TABLE IF EXISTS \`region\`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE \`region\` (
  \`region_id\` smallint unsigned NOT NULL AUTO_INCREMENT,
  \`code\` char(3) NOT NULL DEFAULT '',
  \`name\` varchar(52) NOT NULL DEFAULT '',
  \`continent\` enum('Asia','Europe','North America','Africa','Oceania','Antarctica','South America') NOT NULL DEFAULT 'Asia',
  \`surface_area\` decimal(10,2) NOT NULL DEFAULT '0.00',
  \`founded\` year DEFAULT NULL,
  \`population\` int NOT NULL DEFAULT '0',
  \`last_update\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`region_id\`),
  UNIQUE KEY \`idx_region_code\` (\`code\`)
) ENGINE=InnoDB AUTO_INCREMENT=240 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='places we ship to';
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table \`region\`
--

LOCK TABLES \`region\` WRITE;
/*!40000 ALTER TABLE \`region\` DISABLE KEYS */;
/*!40000 ALTER TABLE \`region\` ENABLE KEYS */;
UNLOCK TABLES;

DROP TABLE IF EXISTS \`store_address\`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE \`store_address\` (
  \`address_id\` smallint unsigned NOT NULL AUTO_INCREMENT,
  \`street\` varchar(50) NOT NULL,
  \`district\` varchar(20) NOT NULL,
  \`region_id\` smallint unsigned NOT NULL,
  \`postal_code\` varchar(10) DEFAULT NULL,
  \`phone\` varchar(20) NOT NULL,
  \`spot\` geometry NOT NULL /*!80003 SRID 0 */,
  \`last_update\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`address_id\`),
  KEY \`idx_fk_region_id\` (\`region_id\`),
  SPATIAL KEY \`idx_spot\` (\`spot\`),
  CONSTRAINT \`fk_address_region\` FOREIGN KEY (\`region_id\`) REFERENCES \`region\` (\`region_id\`) ON DELETE RESTRICT ON UPDATE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=606 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

DROP TABLE IF EXISTS \`clerk\`;
CREATE TABLE \`clerk\` (
  \`clerk_id\` tinyint unsigned NOT NULL AUTO_INCREMENT,
  \`first_name\` varchar(45) NOT NULL,
  \`last_name\` varchar(45) NOT NULL,
  \`address_id\` smallint unsigned NOT NULL,
  \`picture\` blob,
  \`email\` varchar(50) DEFAULT NULL,
  \`shop_id\` tinyint unsigned NOT NULL,
  \`active\` tinyint(1) NOT NULL DEFAULT '1',
  \`username\` varchar(16) NOT NULL,
  \`password\` varchar(40) BINARY DEFAULT NULL,
  \`last_update\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`clerk_id\`),
  KEY \`idx_fk_shop_id\` (\`shop_id\`),
  KEY \`idx_fk_address_id\` (\`address_id\`),
  CONSTRAINT \`fk_clerk_address\` FOREIGN KEY (\`address_id\`) REFERENCES \`store_address\` (\`address_id\`) ON DELETE RESTRICT ON UPDATE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

DROP TABLE IF EXISTS \`shop\`;
CREATE TABLE \`shop\` (
  \`shop_id\` tinyint unsigned NOT NULL AUTO_INCREMENT,
  \`manager_clerk_id\` tinyint unsigned NOT NULL,
  \`address_id\` smallint unsigned NOT NULL,
  \`last_update\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`shop_id\`),
  UNIQUE KEY \`idx_unique_manager\` (\`manager_clerk_id\`),
  KEY \`idx_fk_address_id\` (\`address_id\`),
  CONSTRAINT \`fk_shop_address\` FOREIGN KEY (\`address_id\`) REFERENCES \`store_address\` (\`address_id\`) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT \`fk_shop_clerk\` FOREIGN KEY (\`manager_clerk_id\`) REFERENCES \`clerk\` (\`clerk_id\`) ON DELETE RESTRICT ON UPDATE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

ALTER TABLE \`clerk\` ADD CONSTRAINT \`fk_clerk_shop\` FOREIGN KEY (\`shop_id\`) REFERENCES \`shop\` (\`shop_id\`) ON DELETE RESTRICT ON UPDATE CASCADE;

DROP TABLE IF EXISTS \`movie\`;
CREATE TABLE \`movie\` (
  \`movie_id\` smallint unsigned NOT NULL AUTO_INCREMENT,
  \`title\` varchar(128) NOT NULL,
  \`blurb\` text,
  \`release_year\` year DEFAULT NULL,
  \`length_min\` smallint unsigned DEFAULT NULL,
  \`daily_rate\` decimal(4,2) NOT NULL DEFAULT '4.99',
  \`rating\` enum('G','PG','PG-13','R','NC-17') DEFAULT 'G',
  \`extras\` set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes') DEFAULT NULL,
  \`code\` char(8) CHARACTER SET ascii COLLATE ascii_bin DEFAULT NULL,
  \`stock_flags\` bit(4) NOT NULL DEFAULT b'0000',
  \`specs\` json DEFAULT NULL,
  \`title_len\` int GENERATED ALWAYS AS (char_length(\`title\`)) VIRTUAL,
  \`last_update\` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (\`movie_id\`),
  KEY \`idx_title\` (\`title\`(20)),
  FULLTEXT KEY \`idx_title_blurb\` (\`title\`,\`blurb\`),
  CONSTRAINT \`movie_chk_rate\` CHECK ((\`daily_rate\` >= 0))
) ENGINE=InnoDB AUTO_INCREMENT=1001 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

DROP TABLE IF EXISTS \`customer\`;
CREATE TABLE \`customer\` (
  \`customer_id\` int unsigned NOT NULL AUTO_INCREMENT,
  \`shop_id\` tinyint unsigned NOT NULL,
  \`first_name\` varchar(45) NOT NULL,
  \`last_name\` varchar(45) NOT NULL,
  \`email\` varchar(50) DEFAULT NULL,
  \`address_id\` smallint unsigned NOT NULL,
  \`active\` tinyint(1) NOT NULL DEFAULT '1',
  \`create_date\` datetime NOT NULL,
  \`birth_date\` date NOT NULL DEFAULT '1970-01-01',
  \`gender\` enum('M','F') NOT NULL,
  \`last_update\` timestamp NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`customer_id\`),
  KEY \`idx_fk_shop_id\` (\`shop_id\`),
  KEY \`idx_last_name\` (\`last_name\`),
  CONSTRAINT \`fk_customer_address\` FOREIGN KEY (\`address_id\`) REFERENCES \`store_address\` (\`address_id\`) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT \`fk_customer_shop\` FOREIGN KEY (\`shop_id\`) REFERENCES \`shop\` (\`shop_id\`) ON DELETE RESTRICT ON UPDATE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=600 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

DROP TABLE IF EXISTS \`copy\`;
CREATE TABLE \`copy\` (
  \`copy_id\` mediumint unsigned NOT NULL AUTO_INCREMENT,
  \`movie_id\` smallint unsigned NOT NULL,
  \`shop_id\` tinyint unsigned NOT NULL,
  \`last_update\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`copy_id\`),
  KEY \`idx_fk_movie_id\` (\`movie_id\`),
  KEY \`idx_shop_id_movie_id\` (\`shop_id\`,\`movie_id\`),
  CONSTRAINT \`fk_copy_movie\` FOREIGN KEY (\`movie_id\`) REFERENCES \`movie\` (\`movie_id\`) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT \`fk_copy_shop\` FOREIGN KEY (\`shop_id\`) REFERENCES \`shop\` (\`shop_id\`) ON DELETE RESTRICT ON UPDATE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=4582 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

DROP TABLE IF EXISTS \`loan\`;
CREATE TABLE \`loan\` (
  \`loan_id\` int NOT NULL AUTO_INCREMENT,
  \`loan_date\` datetime NOT NULL,
  \`copy_id\` mediumint unsigned NOT NULL,
  \`customer_id\` int unsigned NOT NULL,
  \`return_date\` datetime DEFAULT NULL,
  \`clerk_id\` tinyint unsigned NOT NULL,
  \`last_update\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`loan_id\`),
  UNIQUE KEY \`loan_date\` (\`loan_date\`,\`copy_id\`,\`customer_id\`),
  KEY \`idx_fk_copy_id\` (\`copy_id\`),
  KEY \`idx_fk_customer_id\` (\`customer_id\`),
  KEY \`idx_fk_clerk_id\` (\`clerk_id\`),
  CONSTRAINT \`fk_loan_clerk\` FOREIGN KEY (\`clerk_id\`) REFERENCES \`clerk\` (\`clerk_id\`) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT \`fk_loan_copy\` FOREIGN KEY (\`copy_id\`) REFERENCES \`copy\` (\`copy_id\`) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT \`fk_loan_customer\` FOREIGN KEY (\`customer_id\`) REFERENCES \`customer\` (\`customer_id\`) ON DELETE RESTRICT ON UPDATE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=16050 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

DROP TABLE IF EXISTS \`payment\`;
CREATE TABLE \`payment\` (
  \`payment_id\` smallint unsigned NOT NULL AUTO_INCREMENT,
  \`customer_id\` int unsigned NOT NULL,
  \`clerk_id\` tinyint unsigned NOT NULL,
  \`loan_id\` int DEFAULT NULL,
  \`amount\` decimal(5,2) NOT NULL,
  \`payment_date\` datetime NOT NULL,
  \`last_update\` timestamp NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (\`payment_id\`),
  KEY \`idx_fk_clerk_id\` (\`clerk_id\`),
  KEY \`idx_fk_customer_id\` (\`customer_id\`),
  KEY \`fk_payment_loan\` (\`loan_id\`),
  CONSTRAINT \`fk_payment_customer\` FOREIGN KEY (\`customer_id\`) REFERENCES \`customer\` (\`customer_id\`) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT \`fk_payment_loan\` FOREIGN KEY (\`loan_id\`) REFERENCES \`loan\` (\`loan_id\`) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT \`fk_payment_clerk\` FOREIGN KEY (\`clerk_id\`) REFERENCES \`clerk\` (\`clerk_id\`) ON DELETE RESTRICT ON UPDATE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=16050 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;

DROP TABLE IF EXISTS \`salary_history\`;
CREATE TABLE \`salary_history\` (
  \`clerk_id\` tinyint unsigned NOT NULL,
  \`amount\` int NOT NULL,
  \`from_date\` date NOT NULL,
  \`to_date\` date NOT NULL,
  PRIMARY KEY (\`clerk_id\`,\`from_date\`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1
/*!50100 PARTITION BY RANGE  COLUMNS(from_date)
(PARTITION p1990 VALUES LESS THAN ('1990-01-01') ENGINE = InnoDB,
 PARTITION p2000 VALUES LESS THAN ('2000-01-01') ENGINE = InnoDB,
 PARTITION pmax VALUES LESS THAN (MAXVALUE) ENGINE = InnoDB) */;

--
-- Temporary view structure for view \`customer_list\`
--

DROP TABLE IF EXISTS \`customer_list\`;
/*!50001 DROP VIEW IF EXISTS \`customer_list\`*/;
SET @saved_cs_client     = @@character_set_client;
/*!50503 SET character_set_client = utf8mb4 */;
/*!50001 CREATE VIEW \`customer_list\` AS SELECT 
 1 AS \`ID\`,
 1 AS \`name\`,
 1 AS \`phone\`*/;
SET character_set_client = @saved_cs_client;

--
-- Dumping routines for database 'filmshop'
--
/*!50003 DROP FUNCTION IF EXISTS \`copy_in_stock\` */;
/*!50003 SET @saved_cs_client      = @@character_set_client */ ;
/*!50003 SET sql_mode              = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES' */ ;
DELIMITER ;;
CREATE DEFINER=\`root\`@\`localhost\` FUNCTION \`copy_in_stock\`(p_copy_id INT) RETURNS tinyint(1)
    READS SQL DATA
BEGIN
    DECLARE v_out INT;
    SELECT COUNT(*) INTO v_out FROM loan WHERE copy_id = p_copy_id AND return_date IS NULL;
    IF v_out > 0 THEN
        RETURN FALSE;
    ELSE
        RETURN TRUE;
    END IF;
END ;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;

DELIMITER ;;
CREATE DEFINER=\`root\`@\`localhost\` PROCEDURE \`overdue_report\`(IN p_shop TINYINT UNSIGNED, OUT p_count INT)
BEGIN
  SELECT COUNT(*) INTO p_count FROM loan l JOIN copy c ON c.copy_id = l.copy_id
   WHERE c.shop_id = p_shop AND l.return_date IS NULL;
END ;;
DELIMITER ;

DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=\`root\`@\`localhost\`*/ /*!50003 TRIGGER \`movie_after_insert\` AFTER INSERT ON \`movie\` FOR EACH ROW BEGIN
    UPDATE shop SET last_update = NOW() WHERE shop_id = 1;
END */;;
DELIMITER ;

DELIMITER $$
CREATE TRIGGER customer_create_date BEFORE INSERT ON customer
FOR EACH ROW
BEGIN
  SET NEW.create_date = NOW();
END$$
DELIMITER ;

DELIMITER ;;
CREATE DEFINER=\`root\`@\`localhost\` EVENT \`nightly_cleanup\` ON SCHEDULE EVERY 1 DAY STARTS '2024-01-01 03:00:00' ON COMPLETION PRESERVE ENABLE DO BEGIN
  DELETE FROM loan WHERE return_date < NOW() - INTERVAL 5 YEAR;
END ;;
DELIMITER ;

--
-- Final view structure for view \`customer_list\`
--

/*!50001 DROP VIEW IF EXISTS \`customer_list\`*/;
/*!50001 SET @saved_cs_client          = @@character_set_client */;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=\`root\`@\`localhost\` SQL SECURITY DEFINER */
/*!50001 VIEW \`customer_list\` AS select \`cu\`.\`customer_id\` AS \`ID\`,concat(\`cu\`.\`first_name\`,' ',\`cu\`.\`last_name\`) AS \`name\`,\`a\`.\`phone\` AS \`phone\` from (\`customer\` \`cu\` join \`store_address\` \`a\` on((\`cu\`.\`address_id\` = \`a\`.\`address_id\`))) */;
/*!50001 SET character_set_client      = @saved_cs_client */;

CREATE OR REPLACE ALGORITHM=MERGE DEFINER=CURRENT_USER SQL SECURITY INVOKER VIEW clerk_login AS
  SELECT c.clerk_id, c.username, c.password FROM clerk c WHERE c.active = 1
  WITH CASCADED CHECK OPTION;

/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2024-05-01 12:00:00
`;

/** What the dump declares, read off the CREATE TABLE statements above (by hand, not from the output). */
const TABLES: Record<string, string[]> = {
  region: ['region_id', 'code', 'name', 'continent', 'surface_area', 'founded', 'population', 'last_update'],
  store_address: ['address_id', 'street', 'district', 'region_id', 'postal_code', 'phone', 'spot', 'last_update'],
  clerk: ['clerk_id', 'first_name', 'last_name', 'address_id', 'picture', 'email', 'shop_id', 'active', 'username', 'password', 'last_update'],
  shop: ['shop_id', 'manager_clerk_id', 'address_id', 'last_update'],
  movie: ['movie_id', 'title', 'blurb', 'release_year', 'length_min', 'daily_rate', 'rating', 'extras', 'code', 'stock_flags', 'specs', 'title_len', 'last_update'],
  customer: ['customer_id', 'shop_id', 'first_name', 'last_name', 'email', 'address_id', 'active', 'create_date', 'birth_date', 'gender', 'last_update'],
  copy: ['copy_id', 'movie_id', 'shop_id', 'last_update'],
  loan: ['loan_id', 'loan_date', 'copy_id', 'customer_id', 'return_date', 'clerk_id', 'last_update'],
  payment: ['payment_id', 'customer_id', 'clerk_id', 'loan_id', 'amount', 'payment_date', 'last_update'],
  salary_history: ['clerk_id', 'amount', 'from_date', 'to_date'],
};

const FOREIGN_KEYS: Record<string, string> = {
  fk_address_region: 'store_address -> region',
  fk_clerk_address: 'clerk -> store_address',
  fk_clerk_shop: 'clerk -> shop',
  fk_shop_address: 'shop -> store_address',
  fk_shop_clerk: 'shop -> clerk',
  fk_customer_address: 'customer -> store_address',
  fk_customer_shop: 'customer -> shop',
  fk_copy_movie: 'copy -> movie',
  fk_copy_shop: 'copy -> shop',
  fk_loan_clerk: 'loan -> clerk',
  fk_loan_copy: 'loan -> copy',
  fk_loan_customer: 'loan -> customer',
  fk_payment_customer: 'payment -> customer',
  fk_payment_loan: 'payment -> loan',
  fk_payment_clerk: 'payment -> clerk',
};

let pg: PGlite;
let r: ConversionResult;

beforeAll(async () => {
  pg = new PGlite();
  await pg.waitReady;
  r = convertSchema(DUMP, 'mysql');
  await pg.exec(r.ddl);
}, 60_000);

afterAll(async () => {
  await pg.close();
});

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  return (await pg.query<T>(sql)).rows;
}

describe('a mysqldump in the shape of the MySQL sample databases', () => {
  it('parses every statement: nothing unparsed', () => {
    expect(r.unparsed).toEqual([]);
  });

  it('creates every table with every column, in order', async () => {
    const cols = await rows<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = 'public') ORDER BY table_name, ordinal_position",
    );
    const got: Record<string, string[]> = {};
    for (const c of cols) (got[c.table_name] ??= []).push(c.column_name);
    // salary_history is partitioned: its partitions are tables too, with the same columns
    for (const p of ['salary_history_p1990', 'salary_history_p2000', 'salary_history_pmax']) {
      expect(got[p]).toEqual(TABLES['salary_history']);
      delete got[p];
    }
    expect(got).toEqual(TABLES);
  });

  it('creates every foreign key between the right tables, the clerk <-> shop cycle included', async () => {
    const fks = await rows<{ conname: string; edge: string }>(
      "SELECT conname, conrelid::regclass::text || ' -> ' || confrelid::regclass::text AS edge FROM pg_constraint WHERE contype = 'f' ORDER BY conname",
    );
    expect(Object.fromEntries(fks.map((f) => [f.conname, f.edge]))).toEqual(FOREIGN_KEYS);
  });

  it('keeps the BINARY column and the views that read it', async () => {
    // MySQL 8 ref: BINARY after a character type is the _bin collation of its character set
    expect(await rows("SELECT data_type, character_maximum_length FROM information_schema.columns WHERE table_name = 'clerk' AND column_name = 'password'"))
      .toEqual([{ data_type: 'character varying', character_maximum_length: 40 }]);
    expect(await rows("SELECT viewname FROM pg_views WHERE schemaname = 'public' ORDER BY 1")).toEqual([{ viewname: 'clerk_login' }, { viewname: 'customer_list' }]);
    // the final view replaces mysqldump's stand-in (SELECT 1 AS ...): its columns are the real ones
    // clerk and shop reference each other (as in the sample databases): load with foreign-key triggers off, as a dump loader does
    await pg.exec(`SET session_replication_role = replica;
INSERT INTO region (code, name) VALUES ('AAA', 'A');
INSERT INTO store_address (street, district, region_id, phone, spot) VALUES ('1 Main St', 'D', 240, '555', '\\x00');
INSERT INTO shop (manager_clerk_id, address_id) VALUES (1, 606);
INSERT INTO customer (shop_id, first_name, last_name, address_id, create_date, gender) VALUES (3, 'Ada', 'Lovelace', 606, now(), 'F');
SET session_replication_role = DEFAULT;`);
    expect(await rows('SELECT id, name, phone FROM customer_list')).toEqual([{ id: 600, name: 'Ada Lovelace', phone: '555' }]);
  });

  it('keeps GEOMETRY NOT NULL /*!80003 SRID 0 */ as a NOT NULL placeholder, with the SRID and the SPATIAL key reported', async () => {
    expect(await rows("SELECT data_type, is_nullable FROM information_schema.columns WHERE table_name = 'store_address' AND column_name = 'spot'"))
      .toEqual([{ data_type: 'bytea', is_nullable: 'NO' }]);
    expect(r.changes.find((c) => c.object === 'store_address.spot' && c.from === 'SRID 0')).toBeDefined();
    expect(r.action_items.filter((a) => a.object === 'store_address.idx_spot').map((a) => a.category)).toEqual(['spatial']);
  });

  it('reports the FULLTEXT key, the triggers, the function, the procedure and the event as action items with their bodies', () => {
    const by = (category: string) => r.action_items.filter((a) => a.category === category).map((a) => a.object).sort();
    expect(by('full_text_search')).toEqual(['movie.idx_title_blurb']);
    expect(by('trigger')).toEqual(['customer_create_date', 'movie_after_insert']);
    expect(by('function')).toEqual(['copy_in_stock']);
    expect(by('procedure')).toEqual(['overdue_report']);
    expect(by('event')).toEqual(['nightly_cleanup']);
    expect(r.action_items.find((a) => a.object === 'copy_in_stock')!.statement).toContain('RETURN TRUE;');
    expect(r.action_items.find((a) => a.object === 'nightly_cleanup')!.statement).toContain('INTERVAL 5 YEAR');
  });

  it('keeps UNSIGNED as a check, the table AUTO_INCREMENT as the identity start, and partitions salary_history by range', async () => {
    await expect(pg.exec("INSERT INTO region (code, name, population) VALUES ('BBB', 'B', 1)")).resolves.toBeDefined();
    await expect(pg.exec("INSERT INTO movie (title, length_min) VALUES ('x', -1)")).rejects.toThrow(/check constraint/);
    expect(await rows("SELECT identity_start FROM information_schema.columns WHERE table_name = 'loan' AND column_name = 'loan_id'")).toEqual([{ identity_start: '16050' }]);
    expect(await rows("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'salary_history'::regclass")).toEqual([{ partstrat: 'r' }]);
  });

  it('skips the dump framing with reasons, and loses nothing silently', () => {
    const reasons = new Set(r.skipped.map((s) => s.reason));
    for (const why of ['session setting for the source client', 'database selection for the source client', 'table locking around a data dump',
      'DROP in the source script: the converted script creates every object fresh', 'database creation: create the PostgreSQL database separately']) {
      expect(reasons).toContain(why);
    }
    // every object the dump declares is counted, and each is converted or an action item: 10 tables, 2 views
    // (customer_list's stand-in and final definition are one view), 15 foreign keys, 2 triggers, 1 function, 1 procedure, 1 event
    const found = Object.fromEntries(Object.entries(r.summary.by_kind).map(([k, v]) => [k, [v.found, v.converted + v.needing_action]]));
    expect(found).toMatchObject({ table: [10, 10], view: [2, 2], foreign_key: [15, 15], trigger: [2, 2], function: [1, 1], procedure: [1, 1], event: [1, 1] });
  });
});
