/**
 * Every run's rows as Parquet in S3 (written by the function, lambda/export/s3-run-export.ts) and
 * the Athena (Glue catalog) tables over them: `runs` and `markets`, partitioned by `fund_id` and
 * `date` with partition projection, so a new fund or day needs no crawler and no `MSCK REPAIR`.
 * The table is the record: the bucket is a derived copy that `backstop export` can rebuild.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ColumnType } from '../../lambda/export/history-tables.ts';
import { marketsTable, runsTable } from '../../lambda/export/history-tables.ts';
import { RUN_HISTORY_TABLES } from '../../lambda/export/s3-run-export.ts';

/** Athena (Hive) types of the export's column types. */
const ATHENA_TYPES: Record<ColumnType, string> = {
  string: 'string',
  double: 'double',
  int: 'int',
  boolean: 'boolean',
  timestamp: 'timestamp',
};

/** The first day the date partitions are projected from. */
export const HISTORY_FIRST_DATE = '2026-01-01';

/** Props of {@link RunHistory}. */
export interface RunHistoryProps {
  readonly stage: string;
  /** The fund ids of the stage: the projected `fund_id` partitions. */
  readonly fundIds: readonly string[];
}

/** The history bucket, the Glue database and its two tables. */
export class RunHistory extends Construct {
  readonly bucket: Bucket;
  readonly database: CfnDatabase;
  /** `backstop_<stage>` (dashes as underscores, as Athena wants). */
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: RunHistoryProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Derived data, but months of it: kept when the stack goes, like the logs.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'a derived copy of the snapshot table, written only by the recalibration function (one object ' +
        'per run and table); the table is the audited record',
    });
    const account = Stack.of(this).account;
    this.databaseName = `backstop_${props.stage.replaceAll('-', '_')}`;
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: {
        name: this.databaseName,
        description: `Backstop ${props.stage}: the history of every run`,
      },
    });
    const columns = { runs: runsTable([]).columns, markets: marketsTable([]).columns };
    for (const name of RUN_HISTORY_TABLES) {
      const location = `s3://${this.bucket.bucketName}/${name}/`;
      const table = new CfnTable(this, `${name === 'runs' ? 'Runs' : 'Markets'}Table`, {
        catalogId: account,
        databaseName: this.databaseName,
        tableInput: {
          name,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            classification: 'parquet',
            'projection.enabled': 'true',
            'projection.fund_id.type': 'enum',
            'projection.fund_id.values': props.fundIds.join(','),
            'projection.date.type': 'date',
            'projection.date.format': 'yyyy-MM-dd',
            'projection.date.range': `${HISTORY_FIRST_DATE},NOW`,
            'projection.date.interval': '1',
            'projection.date.interval.unit': 'DAYS',
            'storage.location.template': `${location}fund_id=\${fund_id}/date=\${date}/`,
          },
          // fund_id is in the files too; as the partition key it comes from the path.
          partitionKeys: [
            { name: 'fund_id', type: 'string' },
            { name: 'date', type: 'string' },
          ],
          storageDescriptor: {
            location,
            columns: columns[name]
              .filter((c) => c.name !== 'fund_id')
              .map((c) => ({ name: c.name, type: ATHENA_TYPES[c.type] })),
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: {
              serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
            },
          },
        },
      });
      table.addResourceDependency(this.database);
    }
  }
}
