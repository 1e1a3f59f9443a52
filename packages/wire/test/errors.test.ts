import { findChaincodeError, findChaincodeErrorIn } from '../src/errors';

describe('findChaincodeError', () => {
  it("reads the body out of Fabric's wrapping text", () => {
    const text =
      'chaincode response 500, {"code":"LICENCE_NOT_FOUND","status":404,"message":"no licence L-1"}';
    expect(findChaincodeError(text)).toEqual({
      code: 'LICENCE_NOT_FOUND',
      status: 404,
      message: 'no licence L-1',
    });
  });

  it('keeps details and skips a JSON object that is not an error body', () => {
    const text =
      'x {"code":"lower","status":400,"message":"m"} y {"code":"INVALID_ARGUMENT","status":400,"message":"bad","details":[{"path":"a"}]}';
    expect(findChaincodeError(text)).toEqual({
      code: 'INVALID_ARGUMENT',
      status: 400,
      message: 'bad',
      details: [{ path: 'a' }],
    });
  });

  it('refuses a status outside the known classes and text without a body', () => {
    expect(findChaincodeError('{"code":"X","status":418,"message":"teapot"}')).toBeUndefined();
    expect(findChaincodeError('endorsement failure')).toBeUndefined();
  });

  it('finds the first body among several texts', () => {
    expect(findChaincodeErrorIn(['none', '{"code":"FORBIDDEN","status":403,"message":"no"}'])?.code).toBe(
      'FORBIDDEN',
    );
  });
});
