/**
 * e-licence: licence types, mutual recognition, licences (issue, verify,
 * lifecycle, history) and applications with parallel approvals. Request
 * bodies are the wire contract's request schemas (`@govledger/wire`,
 * `eLicence`) without the ids given in the path; the private record of issue,
 * amend and submit travels as the transient field `licencePrivate`, never as a
 * transaction argument.
 *
 * Trust (verify-by-hash): personal data goes only to the peers of the licensing
 * city whose licence collection holds it: the caller's organisation, or for an
 * application the city applied to ({@link ON_ISSUING_CITYS_PEER}). A write with
 * personal data is ONE HTTP call and TWO transactions: the route first submits the
 * private-only staging transaction (StageLicencePrivateData /
 * StageApplicationPrivateData) pinned to that organisation with the
 * transient record, waits for its commit, then submits the public transaction
 * with the staged hashes and no pinning, so the channel's majority endorses it
 * and each endorser checks the staged record by its on-chain hash.
 */
import { eLicence } from '@govledger/wire';
import { z } from 'zod';
import type { EndorsementPin } from '../fabric/endorsement';
import { defineRoute, type AnyRoute } from '../http/route';
import { PageQuery, pageOf } from '../schemas';

const CC = 'e-licence';
const TAGS = ['e-licence'];

/**
 * Endorse on the caller's organisation's peer. The collection such a transaction uses is its
 * owning organisation's, and the chaincode refuses callers of any other organisation before it
 * looks at the peer, so the caller's organisation is the collection's whenever the call can succeed.
 */
export const ON_CALLERS_PEER = 'caller-org' satisfies EndorsementPin;

/**
 * Endorse an application's staging step on the peer of the licensing city applied to: the
 * request's `issuingMsp`, or the caller's organisation when it names none. That city owns the
 * licence type and its collection receives the applicant's personal data; the chaincode refuses
 * (APPLICANT_ORG_MISMATCH) an `issuingMsp` that does not own the type, so the pin can only name
 * the collection's organisation. A pin to another organisation than the caller's also makes the
 * gateway send the proposal through that organisation's peer (fabric/fabric.ts), so the
 * transient personal data never passes through the applicant's home peer.
 */
export const ON_ISSUING_CITYS_PEER: EndorsementPin = ({ request, org }) => {
  const issuing = (request as { issuingMsp?: unknown } | undefined)?.issuingMsp;
  return [typeof issuing === 'string' ? issuing : org];
};

/** `{ issuingMsp }` when the body names one, else nothing (the chaincode's default, the caller's own). */
function issuingOf(body: { issuingMsp?: string }): { issuingMsp?: string } {
  return body.issuingMsp === undefined ? {} : { issuingMsp: body.issuingMsp };
}

/** The staged record's hashes, as the public transaction carries them. */
function stagedHashes(prepared: unknown): { privateDataHash: string; claimHashes: Record<string, string> } {
  const staged = W.StagedPrivateRecord.parse(prepared);
  return { privateDataHash: staged.privateDataHash, claimHashes: staged.claimHashes };
}

const W = eLicence;

/** The private record (holder personal data, clear claims with salts), sent as transient `licencePrivate`. */
const LicencePrivate = W.LicencePrivateTransient.meta({
  id: 'LicencePrivate',
  description:
    "Goes to the issuing organisation's private data collection via transient data; the ledger keeps salted hashes",
});

const LicenceType = W.LicenceType.meta({
  id: 'LicenceType',
  description: 'A licence type, owned by one jurisdiction (MSP) and one of its departments',
});
const Recognition = W.Recognition.meta({
  id: 'Recognition',
  description:
    "A jurisdiction's statement that another jurisdiction's licence type is equivalent to one of its own",
});
const Licence = W.Licence.meta({
  id: 'Licence',
  description:
    "The public licence record (hashes only; personal data and clear claims stay in the issuing organisation's collection)",
});
const LicenceView = W.LicenceView.meta({
  id: 'LicenceView',
  description: "A public licence record with its effective status at the query's time",
});
const VerifyResult = W.VerifyResult.meta({
  id: 'VerifyResult',
  description: 'The answer of a licence verification',
});
const Application = W.ApplicationView.meta({
  id: 'Application',
  description: 'A licence application with its progress (approved and pending departments)',
});

/** Path parameters: the wire request's id field alone. */
const code = W.GetLicenceTypeRequest;
const licenceId = W.LicenceIdRequest;
const applicationId = W.GetApplicationRequest;
/** A licence route's body: the wire request without the id given in the path. */
const withoutLicenceId = { licenceId: true } as const;
const withoutApplicationId = { applicationId: true } as const;
/** The gateway-only body field that carries the private record (sent as transient data). */
const privateField = { licencePrivate: LicencePrivate };
/** The fields the gateway fills in from the staging step's result. */
const stagedFields = { privateDataHash: true, claimHashes: true } as const;

/** The e-licence routes. */
export function eLicenceRoutes(): AnyRoute[] {
  return [
    // ------------------------------------------------------------ licence types
    defineRoute({
      method: 'post',
      path: '/api/v1/licence-types',
      operationId: 'createLicenceType',
      summary: "Create a licence type owned by the caller's organisation",
      tags: TAGS,
      roles: ['admin'],
      successStatus: 201,
      body: W.CreateLicenceTypeRequest,
      response: LicenceType,
      call: { chaincode: CC, transaction: 'CreateLicenceType', mode: 'submit' },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/licence-types/{code}',
      operationId: 'updateLicenceType',
      summary: 'Change a licence type (name, validity, claims, required approvals, status)',
      tags: TAGS,
      roles: ['admin'],
      params: code,
      body: W.requireAChange(W.UpdateLicenceTypeFields.omit({ code: true })),
      response: LicenceType,
      call: { chaincode: CC, transaction: 'UpdateLicenceType', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licence-types/{code}',
      operationId: 'getLicenceType',
      summary: 'A licence type',
      tags: TAGS,
      roles: [],
      params: code,
      response: LicenceType,
      call: { chaincode: CC, transaction: 'GetLicenceType', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licence-types',
      operationId: 'listLicenceTypes',
      summary: 'Every licence type, in code order',
      tags: TAGS,
      roles: [],
      query: PageQuery,
      response: pageOf(LicenceType),
      call: { chaincode: CC, transaction: 'ListLicenceTypes', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licence-types/{typeCode}/licences',
      operationId: 'listLicencesByTypeAndStatus',
      summary: 'Licences of a type with a stored status',
      tags: TAGS,
      roles: [],
      params: W.ListLicencesByTypeAndStatusRequest.pick({ typeCode: true }),
      query: PageQuery.extend(W.ListLicencesByTypeAndStatusRequest.pick({ status: true }).shape).strict(),
      response: pageOf(LicenceView),
      call: { chaincode: CC, transaction: 'ListLicencesByTypeAndStatus', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ recognition
    defineRoute({
      method: 'post',
      path: '/api/v1/recognitions',
      operationId: 'recordRecognition',
      summary:
        "Record that the caller's organisation recognises another jurisdiction's licence type as its own type",
      tags: TAGS,
      roles: ['admin'],
      successStatus: 201,
      body: W.RecordRecognitionRequest,
      response: Recognition,
      call: { chaincode: CC, transaction: 'RecordRecognition', mode: 'submit' },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/recognitions/{foreignTypeCode}',
      operationId: 'withdrawRecognition',
      summary: "Withdraw the caller's organisation's recognition of a foreign type",
      tags: TAGS,
      roles: ['admin'],
      params: W.WithdrawRecognitionRequest,
      response: Recognition,
      call: { chaincode: CC, transaction: 'WithdrawRecognition', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/recognitions',
      operationId: 'listRecognitions',
      summary: 'Recognitions, of one recognising organisation or of all',
      tags: TAGS,
      roles: [],
      query: PageQuery.extend(W.ListRecognitionsRequest.pick({ recognizerMsp: true }).shape).strict(),
      response: pageOf(Recognition),
      call: { chaincode: CC, transaction: 'ListRecognitions', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ licences
    defineRoute({
      method: 'post',
      path: '/api/v1/licences',
      operationId: 'issueLicence',
      summary: 'Issue a licence (the private record goes to the private data collection)',
      tags: TAGS,
      roles: ['issuer'],
      successStatus: 201,
      body: W.IssueLicenceRequest.omit(stagedFields).extend(privateField),
      response: Licence,
      call: {
        chaincode: CC,
        transaction: 'IssueLicence',
        mode: 'submit',
        prepare: {
          transaction: 'StageLicencePrivateData',
          endorsement: ON_CALLERS_PEER,
          laggingCode: W.ErrorCode.PrivateDataHashMismatch,
          request: ({ body }) => ({ purpose: 'issue', licenceId: body.licenceId, typeCode: body.typeCode }),
          transient: ({ body }) => ({ licencePrivate: body.licencePrivate }),
        },
        request: ({ body }, _caller, prepared) => {
          const { licencePrivate: _private, ...request } = body;
          return { ...request, ...stagedHashes(prepared) };
        },
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licences/{licenceId}',
      operationId: 'getLicence',
      summary: 'A licence (public record and effective status)',
      tags: TAGS,
      roles: [],
      params: licenceId,
      response: LicenceView,
      call: { chaincode: CC, transaction: 'GetLicence', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/verification',
      operationId: 'verifyLicence',
      summary: 'Verify a licence, optionally its document hash, disclosed claims and private record hash',
      description: "Recognition is answered for the caller's organisation. A read: nothing is written.",
      tags: TAGS,
      roles: [],
      params: licenceId,
      body: W.VerifyLicenceRequest.omit(withoutLicenceId),
      response: VerifyResult,
      call: { chaincode: CC, transaction: 'VerifyLicence', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licences/{licenceId}/private-data',
      operationId: 'getLicencePrivateData',
      summary:
        "The licence's private record (holder, issuer of the issuing department, admin of the issuing organisation)",
      tags: TAGS,
      roles: [],
      params: licenceId,
      response: W.PrivateDataResult,
      call: {
        chaincode: CC,
        transaction: 'GetLicencePrivateData',
        mode: 'evaluate',
        endorsement: ON_CALLERS_PEER,
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licences/{licenceId}/history',
      operationId: 'getLicenceHistory',
      summary: 'Every version of a licence, oldest first',
      tags: TAGS,
      roles: [],
      params: licenceId,
      response: W.LicenceHistory,
      call: { chaincode: CC, transaction: 'GetLicenceHistory', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/suspension',
      operationId: 'suspendLicence',
      summary: 'Suspend a licence',
      tags: TAGS,
      roles: ['issuer'],
      params: licenceId,
      body: W.SuspendLicenceRequest.omit(withoutLicenceId),
      response: Licence,
      call: { chaincode: CC, transaction: 'SuspendLicence', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/reinstatement',
      operationId: 'reinstateLicence',
      summary: 'Reinstate a suspended licence',
      tags: TAGS,
      roles: ['issuer'],
      params: licenceId,
      body: W.ReinstateLicenceRequest.omit(withoutLicenceId),
      response: Licence,
      call: { chaincode: CC, transaction: 'ReinstateLicence', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/revocation',
      operationId: 'revokeLicence',
      summary: 'Revoke a licence (final)',
      tags: TAGS,
      roles: ['issuer'],
      params: licenceId,
      body: W.RevokeLicenceRequest.omit(withoutLicenceId),
      response: Licence,
      call: { chaincode: CC, transaction: 'RevokeLicence', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/renewal',
      operationId: 'renewLicence',
      summary: 'Renew a licence as a new licence linked to it',
      tags: TAGS,
      roles: ['issuer'],
      successStatus: 201,
      params: licenceId,
      body: W.RenewLicenceRequest.omit(withoutLicenceId),
      response: W.RenewResult,
      call: {
        chaincode: CC,
        transaction: 'RenewLicence',
        mode: 'submit',
        prepare: {
          transaction: 'StageLicencePrivateData',
          endorsement: ON_CALLERS_PEER,
          laggingCode: W.ErrorCode.PrivateDataHashMismatch,
          request: ({ params, body }) => ({
            purpose: 'renew',
            licenceId: params.licenceId,
            newLicenceId: body.newLicenceId,
          }),
        },
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/amendments',
      operationId: 'amendLicence',
      summary: 'Amend a licence: new version with a new document and claims',
      tags: TAGS,
      roles: ['issuer'],
      params: licenceId,
      body: W.AmendLicenceRequest.omit({ ...withoutLicenceId, ...stagedFields }).extend(privateField),
      response: Licence,
      call: {
        chaincode: CC,
        transaction: 'AmendLicence',
        mode: 'submit',
        prepare: {
          transaction: 'StageLicencePrivateData',
          endorsement: ON_CALLERS_PEER,
          laggingCode: W.ErrorCode.PrivateDataHashMismatch,
          request: ({ params }) => ({ purpose: 'amend', licenceId: params.licenceId }),
          transient: ({ body }) => ({ licencePrivate: body.licencePrivate }),
        },
        request: ({ params, body }, _caller, prepared) => ({
          licenceId: params.licenceId,
          documentHash: body.documentHash,
          ...(body.note ? { note: body.note } : {}),
          ...stagedHashes(prepared),
        }),
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/holders/{holderMsp}/{holderPid}/licences',
      operationId: 'listLicencesByHolder',
      summary: "A holder's licences (home MSP and pseudonymous id), in licence id order",
      tags: TAGS,
      roles: [],
      params: z
        .object({
          holderMsp: W.Subject.shape.mspId.meta({
            description: 'Home MSP of the holder',
            example: 'CityAMSP',
          }),
          holderPid: W.Subject.shape.pid.meta({
            description: 'Pseudonymous id of the holder',
            example: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
          }),
        })
        .strict(),
      query: PageQuery,
      response: pageOf(LicenceView),
      call: {
        chaincode: CC,
        transaction: 'ListLicencesByHolder',
        mode: 'evaluate',
        request: ({ params, query }) => ({
          holder: { mspId: params.holderMsp, pid: params.holderPid },
          ...query,
        }),
      },
    }),
    // ------------------------------------------------------------ applications
    defineRoute({
      method: 'post',
      path: '/api/v1/applications',
      operationId: 'submitApplication',
      summary: 'Submit one application for a licence type; every required department then decides',
      description:
        "An applicant may apply to another licensing city than its home organisation by naming it as issuingMsp (the licence type's owner): " +
        "the personal data (licencePrivate) is then staged through and on that city's peer only, and that city's departments decide and issue.",
      tags: TAGS,
      roles: ['citizen', 'enterprise'],
      successStatus: 201,
      body: W.SubmitApplicationRequest.omit(stagedFields).extend(privateField),
      response: Application,
      call: {
        chaincode: CC,
        transaction: 'SubmitApplication',
        mode: 'submit',
        prepare: {
          transaction: 'StageApplicationPrivateData',
          endorsement: ON_ISSUING_CITYS_PEER,
          laggingCode: W.ErrorCode.PrivateDataHashMismatch,
          request: ({ body }) => ({
            applicationId: body.applicationId,
            typeCode: body.typeCode,
            ...issuingOf(body),
          }),
          transient: ({ body }) => ({ licencePrivate: body.licencePrivate }),
        },
        request: ({ body }, _caller, prepared) => ({
          applicationId: body.applicationId,
          typeCode: body.typeCode,
          ...issuingOf(body),
          ...stagedHashes(prepared),
          ...(body.materials === undefined ? {} : { materials: body.materials }),
        }),
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}',
      operationId: 'getApplication',
      summary: "An application's status and timeline",
      description:
        'Includes the referenced materials as verified at submission, automatic approvals, and per pending department with a deadline its elapsed and remaining time at the request time (`deadlineProgress`).',
      tags: TAGS,
      roles: [],
      params: applicationId,
      response: Application,
      call: { chaincode: CC, transaction: 'GetApplication', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/approvals',
      operationId: 'approveApplication',
      summary: "Approve an application for the caller's department; the last approval issues the licence",
      description: 'Send documentHash on every approval: the one that completes the application needs it.',
      tags: TAGS,
      roles: ['approver'],
      params: applicationId,
      body: W.ApproveApplicationRequest.omit(withoutApplicationId),
      response: W.ApprovalResult,
      call: { chaincode: CC, transaction: 'ApproveApplication', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/rejections',
      operationId: 'rejectApplication',
      summary: "Reject an application for the caller's department (ends it)",
      tags: TAGS,
      roles: ['approver'],
      params: applicationId,
      body: W.RejectApplicationRequest.omit(withoutApplicationId),
      response: Application,
      call: { chaincode: CC, transaction: 'RejectApplication', mode: 'submit' },
    }),
    // ------------------------------------------------------------ deadlines
    defineRoute({
      method: 'post',
      path: '/api/v1/application-overdue-warnings/sweeps',
      operationId: 'raiseOverdueWarnings',
      summary:
        'Raise a warning for every department that let an application deadline pass (idempotent; repeat while more=true)',
      description:
        "The gateway's scheduler runs it (SCHEDULE_OVERDUE_APPROVALS_INTERVAL_MS); one warning per application and department, ever.",
      tags: TAGS,
      roles: ['admin', 'auditor', 'approver'],
      body: W.RaiseOverdueWarningsRequest,
      response: W.OverdueSweepResult,
      call: { chaincode: CC, transaction: 'RaiseOverdueWarnings', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/application-overdue-warnings',
      operationId: 'listOverdueWarnings',
      summary: 'Overdue-decision warnings of one deciding organisation (supervisors)',
      tags: TAGS,
      roles: ['auditor', 'admin', 'approver'],
      query: PageQuery.extend(
        W.ListOverdueWarningsRequest.pick({ ownerMsp: true, dept: true }).shape,
      ).strict(),
      response: pageOf(W.OverdueWarning),
      call: { chaincode: CC, transaction: 'ListOverdueWarnings', mode: 'evaluate' },
    }),
  ];
}
