/**
 * The e-licence contract: every transaction takes one JSON string (validated by
 * its schema in schemas.ts) and returns deterministic JSON. The rules live in
 * the domain files; this class only parses, delegates and serialises.
 */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { parseArg, stableStringify } from '@govledger/chaincode-common';
import {
  approveApplication,
  getApplication,
  rejectApplication,
  stageApplicationPrivateData,
  submitApplication,
} from './application';
import {
  amendLicence,
  issueLicence,
  reinstateLicence,
  renewLicence,
  revokeLicence,
  stageLicencePrivateData,
  suspendLicence,
} from './licence';
import { createLicenceType, getLicenceType, listLicenceTypes, updateLicenceType } from './licence-type';
import {
  getLicence,
  getLicenceHistory,
  getLicencePrivateData,
  listLicencesByHolder,
  listLicencesByTypeAndStatus,
} from './queries';
import { listRecognitions, recordRecognition, withdrawRecognition } from './recognition';
import { listPresentationKeys, registerPresentationKey } from './presentation-key';
import * as S from './schemas';
import { checkLicence, listLicenceUsage, recordPresentationCheck } from './usage';
import { verifyLicence } from './verify';
import { listOverdueWarnings, raiseOverdueWarnings } from './deadline';

/** Electronic licences: types, mutual recognition, issue, verify, lifecycle, parallel-approval applications. */
@Info({
  title: 'ELicenceContract',
  description: 'Electronic licences and certificates trusted across jurisdictions',
})
export class ELicenceContract extends Contract {
  constructor() {
    super('ELicenceContract');
  }

  // ------------------------------------------------------------ licence types

  /** Creates a licence type owned by the caller's organisation (role admin). */
  @Transaction()
  @Returns('string')
  async CreateLicenceType(ctx: Context, json: string): Promise<string> {
    return stableStringify(await createLicenceType(ctx, parseArg(S.CreateLicenceTypeRequest, json)));
  }

  /** Changes a licence type (admin of the owning organisation). */
  @Transaction()
  @Returns('string')
  async UpdateLicenceType(ctx: Context, json: string): Promise<string> {
    return stableStringify(await updateLicenceType(ctx, parseArg(S.UpdateLicenceTypeRequest, json)));
  }

  /** Reads a licence type. */
  @Transaction(false)
  @Returns('string')
  async GetLicenceType(ctx: Context, json: string): Promise<string> {
    return stableStringify(await getLicenceType(ctx, parseArg(S.GetLicenceTypeRequest, json)));
  }

  /** Lists licence types, paginated. */
  @Transaction(false)
  @Returns('string')
  async ListLicenceTypes(ctx: Context, json: string): Promise<string> {
    return stableStringify(await listLicenceTypes(ctx, parseArg(S.ListLicenceTypesRequest, json)));
  }

  // ------------------------------------------------------------ recognition

  /** Records that the caller's organisation recognises a foreign type as one of its own (role admin). */
  @Transaction()
  @Returns('string')
  async RecordRecognition(ctx: Context, json: string): Promise<string> {
    return stableStringify(await recordRecognition(ctx, parseArg(S.RecordRecognitionRequest, json)));
  }

  /** Withdraws a recognition (role admin of the recognising organisation). */
  @Transaction()
  @Returns('string')
  async WithdrawRecognition(ctx: Context, json: string): Promise<string> {
    return stableStringify(await withdrawRecognition(ctx, parseArg(S.WithdrawRecognitionRequest, json)));
  }

  /** Lists recognitions, paginated. */
  @Transaction(false)
  @Returns('string')
  async ListRecognitions(ctx: Context, json: string): Promise<string> {
    return stableStringify(await listRecognitions(ctx, parseArg(S.ListRecognitionsRequest, json)));
  }

  // ------------------------------------------------------------ licences

  /**
   * Private-only: stages a licence's private record in the issuing organisation's collection
   * (issue or amend: transient licencePrivate; renew: a copy). Endorsed by that organisation only.
   */
  @Transaction()
  @Returns('string')
  async StageLicencePrivateData(ctx: Context, json: string): Promise<string> {
    return stableStringify(
      await stageLicencePrivateData(ctx, parseArg(S.StageLicencePrivateDataRequest, json)),
    );
  }

  /** Issues a licence (issuer of the type's department), checking the staged private record by hash. */
  @Transaction()
  @Returns('string')
  async IssueLicence(ctx: Context, json: string): Promise<string> {
    return stableStringify(await issueLicence(ctx, parseArg(S.IssueLicenceRequest, json)));
  }

  /** Verifies a licence for the caller's organisation. */
  @Transaction(false)
  @Returns('string')
  async VerifyLicence(ctx: Context, json: string): Promise<string> {
    return stableStringify(await verifyLicence(ctx, parseArg(S.VerifyLicenceRequest, json)));
  }

  /** Reads a licence's public record. */
  @Transaction(false)
  @Returns('string')
  async GetLicence(ctx: Context, json: string): Promise<string> {
    return stableStringify(await getLicence(ctx, parseArg(S.LicenceIdRequest, json)));
  }

  /** Reads a licence's private record (issuing organisation: holder, issuer of the dept, admin). */
  @Transaction(false)
  @Returns('string')
  async GetLicencePrivateData(ctx: Context, json: string): Promise<string> {
    return stableStringify(await getLicencePrivateData(ctx, parseArg(S.LicenceIdRequest, json)));
  }

  /** Suspends a licence (issuer of the issuing department and organisation). */
  @Transaction()
  @Returns('string')
  async SuspendLicence(ctx: Context, json: string): Promise<string> {
    return stableStringify(await suspendLicence(ctx, parseArg(S.SuspendLicenceRequest, json)));
  }

  /** Reinstates a suspended licence. */
  @Transaction()
  @Returns('string')
  async ReinstateLicence(ctx: Context, json: string): Promise<string> {
    return stableStringify(await reinstateLicence(ctx, parseArg(S.ReinstateLicenceRequest, json)));
  }

  /** Revokes a licence with a reason code. */
  @Transaction()
  @Returns('string')
  async RevokeLicence(ctx: Context, json: string): Promise<string> {
    return stableStringify(await revokeLicence(ctx, parseArg(S.RevokeLicenceRequest, json)));
  }

  /** Renews a licence into a new one with new validity, linked to the previous. */
  @Transaction()
  @Returns('string')
  async RenewLicence(ctx: Context, json: string): Promise<string> {
    return stableStringify(await renewLicence(ctx, parseArg(S.RenewLicenceRequest, json)));
  }

  /** Amends a licence: new version, checking its staged private record by hash. */
  @Transaction()
  @Returns('string')
  async AmendLicence(ctx: Context, json: string): Promise<string> {
    return stableStringify(await amendLicence(ctx, parseArg(S.AmendLicenceRequest, json)));
  }

  /** Lists a holder's licences, paginated. */
  @Transaction(false)
  @Returns('string')
  async ListLicencesByHolder(ctx: Context, json: string): Promise<string> {
    return stableStringify(await listLicencesByHolder(ctx, parseArg(S.ListLicencesByHolderRequest, json)));
  }

  /** Lists licences of a type with a stored status, paginated. */
  @Transaction(false)
  @Returns('string')
  async ListLicencesByTypeAndStatus(ctx: Context, json: string): Promise<string> {
    return stableStringify(
      await listLicencesByTypeAndStatus(ctx, parseArg(S.ListLicencesByTypeAndStatusRequest, json)),
    );
  }

  /** The full history of a licence. */
  @Transaction(false)
  @Returns('string')
  async GetLicenceHistory(ctx: Context, json: string): Promise<string> {
    return stableStringify(await getLicenceHistory(ctx, parseArg(S.LicenceIdRequest, json)));
  }

  // ------------------------------------------------------------ applications

  /**
   * Private-only: stages an applicant's private record (citizen/enterprise with gov.pid; transient
   * licencePrivate) in the type's organisation's collection. Endorsed by that organisation only.
   */
  @Transaction()
  @Returns('string')
  async StageApplicationPrivateData(ctx: Context, json: string): Promise<string> {
    return stableStringify(
      await stageApplicationPrivateData(ctx, parseArg(S.StageApplicationPrivateDataRequest, json)),
    );
  }

  /** Submits an application (citizen/enterprise with gov.pid), checking the staged record by hash. */
  @Transaction()
  @Returns('string')
  async SubmitApplication(ctx: Context, json: string): Promise<string> {
    return stableStringify(await submitApplication(ctx, parseArg(S.SubmitApplicationRequest, json)));
  }

  /** Approves an application for the caller's department; the last approval issues the licence. */
  @Transaction()
  @Returns('string')
  async ApproveApplication(ctx: Context, json: string): Promise<string> {
    return stableStringify(await approveApplication(ctx, parseArg(S.ApproveApplicationRequest, json)));
  }

  /** Rejects an application for the caller's department, with a reason. */
  @Transaction()
  @Returns('string')
  async RejectApplication(ctx: Context, json: string): Promise<string> {
    return stableStringify(await rejectApplication(ctx, parseArg(S.RejectApplicationRequest, json)));
  }

  /** An application's status and timeline. */
  @Transaction(false)
  @Returns('string')
  async GetApplication(ctx: Context, json: string): Promise<string> {
    return stableStringify(await getApplication(ctx, parseArg(S.GetApplicationRequest, json)));
  }

  // ------------------------------------------------------------ presentations and usage trace

  /** Registers the public half of the caller's organisation's presentation key (role admin). */
  @Transaction()
  @Returns('string')
  async RegisterPresentationKey(ctx: Context, json: string): Promise<string> {
    return stableStringify(
      await registerPresentationKey(ctx, parseArg(S.RegisterPresentationKeyRequest, json)),
    );
  }

  /** Lists the registered presentation keys (any member). */
  @Transaction(false)
  @Returns('string')
  async ListPresentationKeys(ctx: Context, json: string): Promise<string> {
    return stableStringify(await listPresentationKeys(ctx, parseArg(S.ListPresentationKeysRequest, json)));
  }

  /** A department's recorded verification of a licence: the answer and the usage entry it leaves. */
  @Transaction()
  @Returns('string')
  async CheckLicence(ctx: Context, json: string): Promise<string> {
    return stableStringify(await checkLicence(ctx, parseArg(S.CheckLicenceRequest, json)));
  }

  /** Records a presentation check made by the caller's organisation's gateway. */
  @Transaction()
  @Returns('string')
  async RecordPresentationCheck(ctx: Context, json: string): Promise<string> {
    return stableStringify(
      await recordPresentationCheck(ctx, parseArg(S.RecordPresentationCheckRequest, json)),
    );
  }

  /** The caller's (holder's) usage trace: who checked which of their licences, when and why. */
  @Transaction(false)
  @Returns('string')
  async ListLicenceUsage(ctx: Context, json: string): Promise<string> {
    return stableStringify(await listLicenceUsage(ctx, parseArg(S.ListLicenceUsageRequest, json)));
  }

  // ------------------------------------------------------------ overdue decisions

  /** Raises the overdue warnings due at the transaction time (admin, auditor or approver; idempotent). */
  @Transaction()
  @Returns('string')
  async RaiseOverdueWarnings(ctx: Context, json: string): Promise<string> {
    return stableStringify(await raiseOverdueWarnings(ctx, parseArg(S.RaiseOverdueWarningsRequest, json)));
  }

  /** Lists the overdue warnings of one deciding organisation, paginated (supervisors). */
  @Transaction(false)
  @Returns('string')
  async ListOverdueWarnings(ctx: Context, json: string): Promise<string> {
    return stableStringify(await listOverdueWarnings(ctx, parseArg(S.ListOverdueWarningsRequest, json)));
  }
}
