"""What an AppSync GraphQL API's resolvers reach: read from the data sources and the operation
the mapping template or code writes literally, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from costcalc.estimate.appsync import Call, has_subscriptions
from costcalc.estimate.template import TemplateError, read_template
from costcalc.estimate.topology import topology

API = """\
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: notes, AuthenticationType: API_KEY}
  Notes:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: notes
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  NotesSource:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: NotesSource
      Type: AMAZON_DYNAMODB
      DynamoDBConfig: {TableName: !Ref Notes, AwsRegion: us-east-1}
"""


def _resolver(name: str, field: str, source: str, request: str) -> str:
    type_name, field_name = field.split(".")
    return f"""\
  {name}:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: {type_name}
      FieldName: {field_name}
      DataSourceName: {source}
      RequestMappingTemplate: '{request}'
"""


def _calls(tmp_path: Path, body: str, head: str = "") -> dict[str, tuple[Call, ...]]:
    path = tmp_path / "template.yaml"
    path.write_text(f"{head}Resources:\n{API}{body}")
    return {r.field: r.calls for r in topology(read_template(path)).resolvers}


def test_a_dynamodb_resolver_reads_or_writes_its_table_by_the_operation_it_writes(
    tmp_path: Path,
) -> None:
    body = _resolver(
        "Get", "Query.getNote", "!GetAtt NotesSource.Name", '{"operation": "GetItem"}'
    ) + _resolver("Put", "Mutation.saveNote", "NotesSource", '{"operation": "PutItem"}')
    calls = _calls(tmp_path, body)

    assert [(c.target, c.action) for c in calls["Query.getNote"]] == [("Notes", "read")]
    assert [(c.target, c.action) for c in calls["Mutation.saveNote"]] == [("Notes", "write")]


@pytest.mark.parametrize(
    "request_text",
    [
        "{}",  # no operation written
        '#if($ctx.args.x) {"operation": "GetItem"} #else {"operation": "PutItem"} #end',
        '{"operation": "Sync"}',  # an operation the estimate does not bill
    ],
)
def test_a_dynamodb_operation_not_written_once_literally_is_unknown(
    tmp_path: Path, request_text: str
) -> None:
    calls = _calls(tmp_path, _resolver("R", "Query.q", "NotesSource", request_text))

    assert [(c.target, c.action) for c in calls["Query.q"]] == [("Notes", "unknown")]


def test_a_lambda_data_source_invokes_its_function_and_a_none_one_reaches_nothing(
    tmp_path: Path,
) -> None:
    body = (
        """\
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: a.h, Role: arn:aws:iam::1:role/r,
                 Code: {ZipFile: x}}
  FnSource:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: FnSource
      Type: AWS_LAMBDA
      LambdaConfig: {LambdaFunctionArn: !GetAtt Fn.Arn}
  Nothing:
    Type: AWS::AppSync::DataSource
    Properties: {ApiId: !GetAtt Api.ApiId, Name: Nothing, Type: NONE}
"""
        + _resolver("Ask", "Query.ask", "FnSource", "")
        + _resolver("Echo", "Mutation.echo", "Nothing", "")
    )
    calls = _calls(tmp_path, body)

    assert [(c.target, c.action) for c in calls["Query.ask"]] == [("Fn", "invoke")]
    assert [(c.target, c.action) for c in calls["Mutation.echo"]] == [("", "")]


def test_sams_graphql_api_expands_into_a_pipeline_whose_functions_read_local_code(
    tmp_path: Path,
) -> None:
    (tmp_path / "get.js").write_text(
        "export function request(ctx) { return {operation: 'GetItem'} }"
    )
    body = """\
  Gql:
    Type: AWS::Serverless::GraphQLApi
    Properties:
      SchemaInline: "type Query { get: String }"
      Auth: {Type: API_KEY}
      DataSources:
        DynamoDb:
          Items: {TableName: !Ref Notes, TableArn: !GetAtt Notes.Arn}
      Functions:
        getFn: {Runtime: {Name: APPSYNC_JS, Version: 1.0.0}, DataSource: Items, CodeUri: get.js}
      Resolvers:
        Query:
          get: {Runtime: {Name: APPSYNC_JS, Version: 1.0.0}, Pipeline: [getFn]}
"""
    calls = _calls(tmp_path, body, head="Transform: AWS::Serverless-2016-10-31\n")

    assert [(c.target, c.action, c.why) for c in calls["Query.get"]] == [
        ("Notes", "read", "GetItem")
    ]


def test_an_http_data_source_signed_for_step_functions_starts_the_machine_the_code_names(
    tmp_path: Path,
) -> None:
    body = """\
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineType: EXPRESS
      RoleArn: arn:aws:iam::1:role/r
      Definition: {StartAt: Done, States: {Done: {Type: Succeed}}}
  States:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: States
      Type: HTTP
      HttpConfig:
        Endpoint: https://sync-states.us-east-1.amazonaws.com/
        AuthorizationConfig:
          AuthorizationType: AWS_IAM
          AwsIamConfig: {SigningRegion: us-east-1, SigningServiceName: states}
  Start:
    Type: AWS::AppSync::Resolver
    Properties:
      ApiId: !GetAtt Api.ApiId
      TypeName: Mutation
      FieldName: start
      DataSourceName: States
      Runtime: {Name: APPSYNC_JS, RuntimeVersion: 1.0.0}
      Code: !Sub |
        export function request(ctx) {
          return {method: 'POST', resourcePath: '/',
                  params: {headers: {'X-Amz-Target': 'AWSStepFunctions.StartSyncExecution'},
                           body: {stateMachineArn: '${Machine}'}}};
        }
"""
    calls = _calls(tmp_path, body)

    assert [(c.target, c.action) for c in calls["Mutation.start"]] == [("Machine", "start")]


def test_a_resolver_naming_a_data_source_the_template_lacks_is_refused_by_name(
    tmp_path: Path,
) -> None:
    with pytest.raises(TemplateError, match=r"Lost \(Query.q\): DataSourceName 'Gone' names no"):
        _calls(tmp_path, _resolver("Lost", "Query.q", "Gone", "{}"))


def test_a_schema_says_whether_the_api_has_subscriptions_and_none_when_unread(
    tmp_path: Path,
) -> None:
    schema = """\
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties:
      ApiId: !GetAtt Api.ApiId
      {where}
"""
    cases = {
        "Definition: 'type Query {{ a: Int }} type Subscription {{ b: Int }}'": True,
        "Definition: 'type Query {{ a: Int }}'": False,
        "DefinitionS3Location: missing.graphql": None,
    }
    for where, expected in cases.items():
        path = tmp_path / "template.yaml"
        path.write_text("Resources:\n" + API + schema.format(where=where.format()))
        assert has_subscriptions(read_template(path), "Api") is expected, where
