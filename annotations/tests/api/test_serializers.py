"""The read serializers build their fields once per class and hand each instance its own copy."""

from annotations.api import serializers
from annotations.models import Claim


def test_each_serializer_gets_its_own_copy_of_the_fields_built_once():
    first, second = serializers.ClaimDetailSerializer(), serializers.ClaimDetailSerializer()
    assert list(first.fields) == list(second.fields)
    assert "_built_fields" in vars(serializers.ClaimDetailSerializer)
    for name in first.fields:
        assert first.fields[name] is not second.fields[name], name
        assert first.fields[name].parent is first and second.fields[name].parent is second
    # A subclass builds its own: the detail's fields are not the list's.
    assert set(serializers.ClaimSerializer().fields) < set(first.fields)


def test_fields_built_once_give_the_same_representation_as_fresh_ones(claim, monkeypatch):
    claim = Claim.objects.get(pk=claim.pk)
    cached = serializers.ClaimSerializer(claim).data
    monkeypatch.delattr(serializers.ClaimSerializer, "_built_fields")
    monkeypatch.setattr(serializers.ReadSerializer, "get_fields", serializers.serializers.ModelSerializer.get_fields)
    assert serializers.ClaimSerializer(claim).data == cached
