from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name='Reading',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name='ID')),
                ('device', models.CharField(max_length=255)),
                ('time', models.DateTimeField()),
                ('value', models.FloatField()),
            ],
            options={
                'db_table': 'influxpy_reading',
                'ordering': ('time', 'device'),
                'abstract': False,
                'constraints': [models.UniqueConstraint(fields=('device', 'time'),
                                                        name='influxpy_reading_device_time')],
            },
        ),
    ]
