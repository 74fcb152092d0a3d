"""Expands template.yaml's SAM resources with the real SAM translator (the one `sam validate`
and CloudFormation use) so cfn-lint can check what SAM generates: references, property names
and policies inside AWS::Serverless::* resources that cfn-lint alone does not look into.

Usage: python infra/translate_template.py template.yaml target/template.translated.json
"""

import json
import os
import sys

from cfnlint.decode import cfn_yaml
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    """The template names no AWS managed policy, so none needs looking up (no AWS account)."""

    def load(self):
        return {}


def main(source: str, destination: str) -> None:
    # The translator fills AWS::Region-dependent values; any region will do for checking.
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    template = cfn_yaml.load(source)
    # SAM wants code in S3 once built; the local path only matters to `sam build`.
    template["Globals"]["Function"]["CodeUri"] = "s3://rappel-artifacts/placeholder.zip"
    translated = transform(template, {}, NoManagedPolicies())
    with open(destination, "w", encoding="utf-8") as out:
        json.dump(translated, out, indent=1, default=str)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
