import datetime, json
from unittest import mock
import botocore.session
from botocore.credentials import Credentials

FROZEN = datetime.datetime(2026, 11, 14, 22, 13, 20)
cases = []
sess = botocore.session.get_session()
def client(svc, region, token):
    c = sess.create_client(svc, region_name=region, aws_access_key_id='AKIDEXAMPLE',
        aws_secret_access_key='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', aws_session_token=token)
    return c
with mock.patch('botocore.auth.get_current_datetime', return_value=FROZEN):


    for token in [None, 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes=']:
        rds = client('rds', 'eu-west-1', token)
        for host, port, user, region in [
            ('mydb.abc123.eu-west-1.rds.amazonaws.com', 5432, 'iam_user', None),
            ('prod.cluster-xyz.us-east-2.rds.amazonaws.com', 3306, 'app user@example.com', 'us-east-2'),
            ('proxy.proxy-abc.ap-southeast-2.rds.amazonaws.com', 443, 'a+b~c_d.e-f/é', 'ap-southeast-2'),
        ]:
            t = rds.generate_db_auth_token(host, port, user, Region=region)
            cases.append({'kind': 'rds', 'hostname': host, 'port': port, 'username': user,
                          'region': region or 'eu-west-1', 'session_token': token, 'token': t})
        dsql = client('dsql', 'us-east-1', token)
        for host, region, exp in [('abcdefghijklmnop.dsql.us-east-1.on.aws', None, 900),
                                  ('qrstuvwxyz012345.dsql.us-west-2.on.aws', 'us-west-2', 3600)]:
            for action, fn in [('DbConnect', dsql.generate_db_connect_auth_token),
                               ('DbConnectAdmin', dsql.generate_db_connect_admin_auth_token)]:
                t = fn(host, Region=region, ExpiresIn=exp)
                cases.append({'kind': 'dsql', 'action': action, 'hostname': host, 'region': region or 'us-east-1',
                              'expires_in': exp, 'session_token': token, 'token': t})
print(json.dumps({'signed_at': '2026-11-14T22:13:20Z', 'access_key_id': 'AKIDEXAMPLE',
  'secret_access_key': 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', 'cases': cases}, indent=1))
