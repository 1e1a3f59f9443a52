/**
 * The data-sharing contract: a thin layer that parses each transaction's one
 * JSON argument against its wire schema (`@govledger/wire`'s `dataSharing`),
 * runs the rule and returns deterministic JSON. The rules live in the concept
 * modules; the wire catalogue (`transactions`) lists exactly these methods.
 */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { parseArg, stableStringify } from '@govledger/chaincode-common';
import { getAccess, requestAccess, verifyTicket } from './access';
import { getAttestation, publishAttestation, revokeAttestation, verifyFact } from './attestation';
import { listAllAccesses, listCitizenAccesses, listDepartmentAccesses } from './audit';
import { getCategory, listCategories, listPurposes, registerCategory, updateCategory } from './catalogue';
import { changeConsent, getConsent, grantConsent, listConsents } from './consent';
import {
  decideLegalBasis,
  getLegalBasis,
  listLegalBases,
  recordLegalBasis,
  withdrawLegalBasis,
} from './legal-basis';
import * as S from './schemas';
import { checkFact, checkTicket, listDataChecks } from './usage';

/** Citizen consent, audited cross-department data access and zero-documents fact checks. */
@Info({
  title: 'DataSharingContract',
  description: 'Citizen consent, audited cross-department data access, zero-documents fact checks',
})
export class DataSharingContract extends Contract {
  constructor() {
    super('DataSharingContract');
  }

  // ---------------------------------------------------------------- catalogue

  /** A holding department's officer registers a data category. */
  @Transaction()
  @Returns('string')
  async RegisterCategory(ctx: Context, request: string): Promise<string> {
    return stableStringify(await registerCategory(ctx, parseArg(S.RegisterCategoryRequest, request)));
  }

  /** The holding department changes, withdraws or reactivates a category (fields can only be added). */
  @Transaction()
  @Returns('string')
  async UpdateCategory(ctx: Context, request: string): Promise<string> {
    return stableStringify(await updateCategory(ctx, parseArg(S.UpdateCategoryRequest, request)));
  }

  /** Any member reads a category. */
  @Transaction(false)
  @Returns('string')
  async GetCategory(ctx: Context, request: string): Promise<string> {
    return stableStringify(await getCategory(ctx, parseArg(S.GetCategoryRequest, request)));
  }

  /** Any member lists the catalogue (paginated). */
  @Transaction(false)
  @Returns('string')
  async ListCategories(ctx: Context, request: string): Promise<string> {
    return stableStringify(await listCategories(ctx, parseArg(S.ListCategoriesRequest, request)));
  }

  /** The fixed purpose codes, sensitivity levels and limits. */
  @Transaction(false)
  @Returns('string')
  async ListPurposes(_ctx: Context, request: string): Promise<string> {
    return stableStringify(listPurposes(parseArg(S.ListPurposesRequest, request)));
  }

  // ---------------------------------------------------------------- consent

  /** A citizen grants a consent. */
  @Transaction()
  @Returns('string')
  async GrantConsent(ctx: Context, request: string): Promise<string> {
    return stableStringify(await grantConsent(ctx, parseArg(S.GrantConsentRequest, request)));
  }

  /** The owning citizen pauses a consent. */
  @Transaction()
  @Returns('string')
  async PauseConsent(ctx: Context, request: string): Promise<string> {
    return stableStringify(await changeConsent(ctx, 'pause', parseArg(S.ConsentRefRequest, request)));
  }

  /** The owning citizen resumes a paused consent. */
  @Transaction()
  @Returns('string')
  async ResumeConsent(ctx: Context, request: string): Promise<string> {
    return stableStringify(await changeConsent(ctx, 'resume', parseArg(S.ConsentRefRequest, request)));
  }

  /** The owning citizen revokes a consent (final). */
  @Transaction()
  @Returns('string')
  async RevokeConsent(ctx: Context, request: string): Promise<string> {
    return stableStringify(await changeConsent(ctx, 'revoke', parseArg(S.ConsentRefRequest, request)));
  }

  /** A party to a consent (citizen, grantee, holder) or an auditor reads it. */
  @Transaction(false)
  @Returns('string')
  async GetConsent(ctx: Context, request: string): Promise<string> {
    return stableStringify(await getConsent(ctx, parseArg(S.ConsentRefRequest, request)));
  }

  /** A citizen lists their consents, newest first (an auditor names the citizen). */
  @Transaction(false)
  @Returns('string')
  async ListConsents(ctx: Context, request: string): Promise<string> {
    return stableStringify(await listConsents(ctx, parseArg(S.ListConsentsRequest, request)));
  }

  // ---------------------------------------------------------------- legal basis

  /** A legal officer records a statutory duty of their department. */
  @Transaction()
  @Returns('string')
  async RecordLegalBasis(ctx: Context, request: string): Promise<string> {
    return stableStringify(await recordLegalBasis(ctx, parseArg(S.RecordLegalBasisRequest, request)));
  }

  /** A legal officer of the recording department withdraws a legal basis. */
  @Transaction()
  @Returns('string')
  async WithdrawLegalBasis(ctx: Context, request: string): Promise<string> {
    return stableStringify(await withdrawLegalBasis(ctx, parseArg(S.WithdrawLegalBasisRequest, request)));
  }

  /** An officer of the department holding the data approves or refuses a pending legal basis over it. */
  @Transaction()
  @Returns('string')
  async DecideLegalBasis(ctx: Context, request: string): Promise<string> {
    return stableStringify(await decideLegalBasis(ctx, parseArg(S.DecideLegalBasisRequest, request)));
  }

  /** Any member reads a legal basis. */
  @Transaction(false)
  @Returns('string')
  async GetLegalBasis(ctx: Context, request: string): Promise<string> {
    return stableStringify(await getLegalBasis(ctx, parseArg(S.GetLegalBasisRequest, request)));
  }

  /** Any member lists one department's legal bases. */
  @Transaction(false)
  @Returns('string')
  async ListLegalBases(ctx: Context, request: string): Promise<string> {
    return stableStringify(await listLegalBases(ctx, parseArg(S.ListLegalBasesRequest, request)));
  }

  // ---------------------------------------------------------------- access

  /** A department officer asks for a citizen's data; granted or refused, the attempt is logged. */
  @Transaction()
  @Returns('string')
  async RequestAccess(ctx: Context, request: string): Promise<string> {
    return stableStringify(await requestAccess(ctx, parseArg(S.RequestAccessRequest, request)));
  }

  /** The holding department (or grantee, or an auditor) checks an access ticket. */
  @Transaction(false)
  @Returns('string')
  async VerifyTicket(ctx: Context, request: string): Promise<string> {
    return stableStringify(await verifyTicket(ctx, parseArg(S.VerifyTicketRequest, request)));
  }

  /** A party to an access (citizen, requester, holder) or an auditor reads one log entry. */
  @Transaction(false)
  @Returns('string')
  async GetAccess(ctx: Context, request: string): Promise<string> {
    return stableStringify(await getAccess(ctx, parseArg(S.GetAccessRequest, request)));
  }

  /** A citizen lists every access to their data, newest first (an auditor names the citizen). */
  @Transaction(false)
  @Returns('string')
  async ListCitizenAccesses(ctx: Context, request: string): Promise<string> {
    return stableStringify(await listCitizenAccesses(ctx, parseArg(S.ListCitizenAccessesRequest, request)));
  }

  /** A department lists the accesses it made, newest first (an auditor names the department). */
  @Transaction(false)
  @Returns('string')
  async ListDepartmentAccesses(ctx: Context, request: string): Promise<string> {
    return stableStringify(
      await listDepartmentAccesses(ctx, parseArg(S.ListDepartmentAccessesRequest, request)),
    );
  }

  /** An auditor lists every access, or only those flagged for audit, newest first. */
  @Transaction(false)
  @Returns('string')
  async ListAllAccesses(ctx: Context, request: string): Promise<string> {
    return stableStringify(await listAllAccesses(ctx, parseArg(S.ListAllAccessesRequest, request)));
  }

  // ---------------------------------------------------------------- attestation

  /** The holding department publishes a salted-hash attestation about a citizen. */
  @Transaction()
  @Returns('string')
  async PublishAttestation(ctx: Context, request: string): Promise<string> {
    return stableStringify(await publishAttestation(ctx, parseArg(S.PublishAttestationRequest, request)));
  }

  /** The holding department revokes an attestation. */
  @Transaction()
  @Returns('string')
  async RevokeAttestation(ctx: Context, request: string): Promise<string> {
    return stableStringify(await revokeAttestation(ctx, parseArg(S.AttestationRefRequest, request)));
  }

  /** The holding department, the citizen or an auditor reads an attestation. */
  @Transaction(false)
  @Returns('string')
  async GetAttestation(ctx: Context, request: string): Promise<string> {
    return stableStringify(await getAttestation(ctx, parseArg(S.AttestationRefRequest, request)));
  }

  /** A department with a valid ticket checks a claimed fact and salt against an attestation. */
  @Transaction(false)
  @Returns('string')
  async VerifyFact(ctx: Context, request: string): Promise<string> {
    return stableStringify(await verifyFact(ctx, parseArg(S.VerifyFactRequest, request)));
  }

  // ------------------------------------------------------------ usage trace (issue 18)

  /** CheckTicket: VerifyTicket that leaves a trace entry the citizen lists. */
  @Transaction()
  @Returns('string')
  async CheckTicket(ctx: Context, request: string): Promise<string> {
    return stableStringify(await checkTicket(ctx, parseArg(S.CheckTicketRequest, request)));
  }

  /** CheckFact: VerifyFact with the checker's salted hash, leaving a trace entry. */
  @Transaction()
  @Returns('string')
  async CheckFact(ctx: Context, request: string): Promise<string> {
    return stableStringify(await checkFact(ctx, parseArg(S.CheckFactRequest, request)));
  }

  /** ListDataChecks: the calling citizen's trace of ticket and fact checks. */
  @Transaction(false)
  @Returns('string')
  async ListDataChecks(ctx: Context, request: string): Promise<string> {
    return stableStringify(await listDataChecks(ctx, parseArg(S.ListDataChecksRequest, request)));
  }
}
